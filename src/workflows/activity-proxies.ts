/**
 * The workflow's activity stubs: one proxy per activity, each with its own timeouts and retry policy (see
 * activity-options.ts for the reasons). Workflow code: activities imported with `import type` only.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import { ACTIVITY_POLICIES } from './activity-options';
import type { Acts } from './cycle-pipeline';

export function activityProxies(): Acts {
  const out: Partial<Record<keyof Activities, unknown>> = {};
  for (const name of Object.keys(ACTIVITY_POLICIES) as (keyof Activities)[]) {
    const { why: _why, ...options } = ACTIVITY_POLICIES[name];
    out[name] = proxyActivities<Activities>(options)[name];
  }
  return out as Acts;
}
