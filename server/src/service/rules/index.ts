// The rule registry: explicit imports, sorted by name (no runtime globbing: it breaks bundling).
import { Rule } from './rule';
import baseImage from './base-image';
import bindAddress from './bind-address';
import buildContext from './build-context';
import buildToolsInRuntime from './build-tools-in-runtime';
import depsBeforeSource from './deps-before-source';
import execForm from './exec-form';
import gunicornServer from './gunicorn-server';
import gunicornTimeouts from './gunicorn-timeouts';
import healthPath from './health-path';
import healthcheck from './healthcheck';
import healthcheckTool from './healthcheck-tool';
import installedServer from './installed-server';
import multiStage from './multi-stage';
import nonRootUser from './non-root-user';
import servicePort from './service-port';
import syntax from './syntax';
import taskDefinition from './task-definition';
import unseenServerConfig from './unseen-server-config';
import useUv from './use-uv';
import userUid from './user-uid';
import workerClass from './worker-class';
import workersMatchVcpu from './workers-match-vcpu';

export const RULES: readonly Rule[] = [
  baseImage, bindAddress, buildContext, buildToolsInRuntime, depsBeforeSource, execForm, gunicornServer, gunicornTimeouts,
  healthPath, healthcheck, healthcheckTool, installedServer, multiStage, nonRootUser, servicePort, syntax, taskDefinition, unseenServerConfig, useUv, userUid, workerClass, workersMatchVcpu,
];

export const RULE_NAMES: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.name));
