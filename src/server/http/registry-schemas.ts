/**
 * @module server/http/registry-schemas
 * TypeBox schemas of the registry's entities on the wire (they also document the OpenAPI spec).
 */
import { Type } from 'typebox';

const StringMap = Type.Record(Type.String(), Type.String());
const TensorSpec = Type.Object({
  name: Type.String(),
  datatype: Type.String(),
  shape: Type.Array(Type.Integer()),
});

export const RegisteredModelSchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  owner: Type.String(),
  tags: StringMap,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  aliases: Type.Record(Type.String(), Type.Integer()),
  latestVersion: Type.Union([Type.Integer(), Type.Null()]),
});

export const FeatureSchemaSchema = Type.Object({
  input: Type.String(),
  columns: Type.Array(
    Type.Object({ name: Type.String(), type: Type.String(), description: Type.Optional(Type.String()) }),
  ),
});

export const ModelVersionSchema = Type.Object({
  model: Type.String(),
  version: Type.Integer(),
  status: Type.Union([Type.Literal('PENDING'), Type.Literal('READY'), Type.Literal('FAILED')]),
  statusMessage: Type.String(),
  description: Type.String(),
  digest: Type.Union([Type.String(), Type.Null()]),
  sizeBytes: Type.Union([Type.Integer(), Type.Null()]),
  signature: Type.Union([
    Type.Object({ inputs: Type.Array(TensorSpec), outputs: Type.Array(TensorSpec) }),
    Type.Null(),
  ]),
  onnx: Type.Union([
    Type.Object({
      irVersion: Type.Integer(),
      opsets: Type.Array(Type.Object({ domain: Type.String(), version: Type.Integer() })),
      producerName: Type.String(),
      producerVersion: Type.String(),
    }),
    Type.Null(),
  ]),
  featureSchema: Type.Union([FeatureSchemaSchema, Type.Null()]),
  metrics: Type.Record(Type.String(), Type.Number()),
  params: StringMap,
  lineage: Type.Object({
    datasets: Type.Optional(Type.Array(Type.String())),
    run: Type.Optional(Type.String()),
  }),
  tags: StringMap,
  aliases: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PageQuery = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 4096 })),
    page_size: Type.Optional(Type.String()),
    page_token: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);

export function pageOf<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({ items: Type.Array(item), nextPageToken: Type.Optional(Type.String()) });
}
