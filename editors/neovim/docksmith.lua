-- Docksmith in Neovim: the language server on every Dockerfile buffer.
-- Put this file on your runtimepath (e.g. ~/.config/nvim/lua/docksmith.lua) and `require('docksmith')`,
-- or copy its body into your init.lua. Set DOCKSMITH_SERVER (or edit `server` below) to the path of
-- dist/server.js from the Docksmith extension or repository. Needs `node` on PATH.
local server = os.getenv('DOCKSMITH_SERVER') or vim.fn.expand('~/.local/share/docksmith/dist/server.js')

local function root_dir(bufnr)
  local file = vim.api.nvim_buf_get_name(bufnr)
  local found = vim.fn.findfile('pyproject.toml', vim.fn.fnamemodify(file, ':p:h') .. ';')
  return found ~= '' and vim.fn.fnamemodify(found, ':p:h') or vim.fn.fnamemodify(file, ':p:h')
end

local config = {
  name = 'docksmith',
  cmd = { 'node', server, '--stdio' },
  -- The docksmith settings section, as in VS Code's settings.json (docksmith.vcpu, docksmith.rules, …).
  settings = { docksmith = {} },
}

if vim.lsp.start then
  -- Neovim 0.8 and later: vim.lsp.start reuses one client per root folder.
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'dockerfile',
    callback = function(args)
      vim.lsp.start(vim.tbl_extend('force', config, { root_dir = root_dir(args.buf) }))
    end,
  })
else
  -- Neovim 0.7 (Debian 12's package): start one client and attach each Dockerfile buffer to it.
  local client_id
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'dockerfile',
    callback = function(args)
      if not client_id then
        client_id = vim.lsp.start_client(vim.tbl_extend('force', config, { root_dir = root_dir(args.buf) }))
      end
      if client_id then vim.lsp.buf_attach_client(args.buf, client_id) end
    end,
  })
end
