// Delivery: what an image link means (query, signature, format negotiation) and the service that
// answers it. The engine (src/transform, src/engine) only ever sees typed, canonical parameters.
export { canonicalString, needsSignature, SIGNED_PARAMS } from "./canonical.ts";
export { withFormatAuto } from "./format_auto.ts";
export {
  ALLOWED,
  type ParsedQuery,
  parseTransformQuery,
  TransformQuerySchema,
} from "./query_schema.ts";
export { signedQuery } from "./signing.ts";
export { BlobMissingError, TransformService } from "./transform_service.ts";
export { DeliverImage, type Delivery, type DeliveryRequest } from "./deliver_image.ts";
