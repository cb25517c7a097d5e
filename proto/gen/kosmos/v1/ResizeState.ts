// Original file: proto/kosmos/v1/agenthub.proto

/**
 * Condition of the last in-place resize as the kubelet reported it.
 */
export const ResizeState = {
  RESIZE_STATE_UNSPECIFIED: 'RESIZE_STATE_UNSPECIFIED',
  /**
   * nothing pending: actual == requested
   */
  RESIZE_STATE_NONE: 'RESIZE_STATE_NONE',
  /**
   * PodResizeInProgress
   */
  RESIZE_STATE_IN_PROGRESS: 'RESIZE_STATE_IN_PROGRESS',
  /**
   * PodResizePending reason Deferred
   */
  RESIZE_STATE_DEFERRED: 'RESIZE_STATE_DEFERRED',
  /**
   * PodResizePending reason Infeasible
   */
  RESIZE_STATE_INFEASIBLE: 'RESIZE_STATE_INFEASIBLE',
  /**
   * the resize request itself failed
   */
  RESIZE_STATE_ERROR: 'RESIZE_STATE_ERROR',
} as const;

/**
 * Condition of the last in-place resize as the kubelet reported it.
 */
export type ResizeState =
  | 'RESIZE_STATE_UNSPECIFIED'
  | 0
  /**
   * nothing pending: actual == requested
   */
  | 'RESIZE_STATE_NONE'
  | 1
  /**
   * PodResizeInProgress
   */
  | 'RESIZE_STATE_IN_PROGRESS'
  | 2
  /**
   * PodResizePending reason Deferred
   */
  | 'RESIZE_STATE_DEFERRED'
  | 3
  /**
   * PodResizePending reason Infeasible
   */
  | 'RESIZE_STATE_INFEASIBLE'
  | 4
  /**
   * the resize request itself failed
   */
  | 'RESIZE_STATE_ERROR'
  | 5

/**
 * Condition of the last in-place resize as the kubelet reported it.
 */
export type ResizeState__Output = typeof ResizeState[keyof typeof ResizeState]
