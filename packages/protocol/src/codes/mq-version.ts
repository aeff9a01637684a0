/**
 * Ordinals of Apache RocketMQ's MQVersion.Version enum, sent in the `version` header field.
 * Name servers answer requests with version >= V4_9_4 with standard JSON (quoted map keys).
 */
export const MQVersion = {
  V3_0_0_SNAPSHOT: 0,
  V3_4_9: 121,
  V3_5_8: 137,
  V4_0_0: 213,
  V4_3_0: 273,
  V4_5_0: 313,
  V4_7_0: 353,
  V4_9_0: 393,
  V4_9_4: 401,
  V4_9_8: 409,
  V5_0_0: 413,
  V5_1_0: 433,
  V5_3_3: 479,
} as const;

/** The version rocketnest announces: 4.9.8, the most widely deployed line it is tested against. */
export const CURRENT_VERSION = MQVersion.V4_9_8;
