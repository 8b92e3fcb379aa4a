package dev.envelope.aws.local;

/** One KMS operation: validates the request, authorizes it, does the work, answers JSON. */
@FunctionalInterface
interface OperationHandler {
  /**
   * @return the JSON response body
   * @throws KmsException with the service's error type and wording when the request fails
   */
  String handle(Call call, KmsRequest request);
}
