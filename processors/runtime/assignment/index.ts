/**
 * Task assignment: the streams partition assignor and the wire forms it shares with the
 * stream threads.
 *
 * @example
 * ```ts
 * import { assignmentTopology, createStreamsAssignor, decodeStreamsAssignment } from '../assignment/index.ts';
 * const assignor = createStreamsAssignor({ processId, endpoint, topology: assignmentTopology(plan, appId), numStandbyReplicas: 1, ownedTasks });
 * ```
 */

export { assignmentTopology, type AssignmentSubtopology, type AssignmentTopology } from './assignment-topology.ts';
export {
  AssignmentErrorCode,
  assignmentError,
  decodeStreamsAssignment,
  encodeStreamsAssignment,
  type HostInfo,
  type StreamsAssignment,
} from './assignment-info.ts';
export { createStreamsAssignor, STREAMS_ASSIGNOR_NAME, type StreamsAssignorOptions } from './streams-assignor.ts';
export { decodeSubscriptionInfo, encodeSubscriptionInfo, parseTaskId, type SubscriptionInfo } from './subscription-info.ts';
export { layoutTasks, type TaskInfo, type TaskLayout } from './task-layout.ts';
