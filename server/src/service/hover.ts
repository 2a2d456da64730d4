export function hoverAt(): string | undefined { return undefined; }
