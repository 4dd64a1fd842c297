/**
 * @module server/grpc/grpc-messages
 * The gRPC messages as `@grpc/proto-loader` hands them to Kiln with the options of `grpc-protos`
 * (`keepCase`, `longs: String`, `defaults: true`, `oneofs: true`): snake_case field names, 64-bit
 * integers as decimal strings (exact, unlike JS numbers), repeated fields as arrays (empty when
 * absent), an absent message field as `null`, `bytes` as Buffers.
 *
 * The `*Out` types are what Kiln writes back: protobuf.js also accepts numbers and decimal strings
 * for 64-bit fields there, and leaves absent fields at their defaults.
 */

/** One `InferParameter`: at most one member set; `parameter_choice` names it (`oneofs: true`). */
export interface InferParameterMsg {
  bool_param?: boolean;
  int64_param?: string;
  string_param?: string;
  double_param?: number;
  uint64_param?: string;
  parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'double_param' | 'uint64_param';
}

/** `map<string, InferParameter>`. */
export type InferParameterMap = Record<string, InferParameterMsg>;

/** `InferTensorContents`: one repeated field per family of datatypes. */
export interface InferTensorContentsMsg {
  bool_contents: boolean[];
  int_contents: number[];
  int64_contents: string[];
  uint_contents: number[];
  uint64_contents: string[];
  fp32_contents: number[];
  fp64_contents: number[];
  bytes_contents: Uint8Array[];
}

/** `ModelInferRequest.InferInputTensor`. */
export interface InferInputTensorMsg {
  name: string;
  datatype: string;
  shape: string[];
  parameters: InferParameterMap;
  contents: InferTensorContentsMsg | null;
}

/** `ModelInferRequest.InferRequestedOutputTensor`. */
export interface InferRequestedOutputMsg {
  name: string;
  parameters: InferParameterMap;
}

/** `ModelInferRequest`. */
export interface ModelInferRequestMsg {
  model_name: string;
  model_version: string;
  id: string;
  parameters: InferParameterMap;
  inputs: InferInputTensorMsg[];
  outputs: InferRequestedOutputMsg[];
  raw_input_contents: Uint8Array[];
}

/** What Kiln writes into an `InferParameter`. */
export type InferParameterOut =
  | { bool_param: boolean }
  | { int64_param: string }
  | { string_param: string }
  | { double_param: number }
  | { uint64_param: string };

/** What Kiln writes into `InferTensorContents`: only the field of the datatype. */
export type InferTensorContentsOut = Partial<Record<keyof InferTensorContentsMsg, unknown[]>>;

/** `ModelInferResponse.InferOutputTensor` as Kiln writes it. */
export interface InferOutputTensorOut {
  name: string;
  datatype: string;
  shape: number[];
  parameters: Record<string, InferParameterOut>;
  contents?: InferTensorContentsOut;
}

/** `ModelInferResponse` as Kiln writes it. */
export interface ModelInferResponseOut {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Record<string, InferParameterOut>;
  outputs: InferOutputTensorOut[];
  raw_output_contents: Uint8Array[];
}

/** `ModelReadyRequest` and `ModelMetadataRequest`. */
export interface ModelRefMsg {
  name: string;
  version: string;
}

/** `grpc.health.v1.HealthCheckRequest`. */
export interface HealthCheckRequestMsg {
  service: string;
}

/** `grpc.health.v1.HealthCheckResponse.ServingStatus`, as names (`enums: String`). */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
