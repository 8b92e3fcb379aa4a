package dev.envelope.aws.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.aws.policy.KmsOperation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KmsRequest;

/**
 * {@link KmsOperation} against the KMS model the AWS SDK is generated from: the same API operations
 * and the same grant operations, so that an SDK upgrade that adds an operation fails here until the
 * enum says what it knows about it.
 */
class KmsOperationsOfTheSdkModelTest {

  @Test
  void everyApiOperationOfTheModelAndNoOther() {
    Set<String> model = new TreeSet<>();
    for (Method m : KmsClient.class.getMethods()) {
      if (m.getParameterCount() == 1
          && KmsRequest.class.isAssignableFrom(m.getParameterTypes()[0])
          && !m.getName().endsWith("Paginator")) {
        String request = m.getParameterTypes()[0].getSimpleName();
        model.add(request.substring(0, request.length() - "Request".length()));
      }
    }
    Set<String> known =
        Arrays.stream(KmsOperation.values())
            .filter(KmsOperation::isApiOperation)
            .map(KmsOperation::operationName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(known).isEqualTo(model);
  }

  @Test
  void grantableOperationsAreTheModelsGrantOperations() {
    Set<String> model =
        GrantOperation.knownValues().stream()
            .map(GrantOperation::toString)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> grantable =
        Arrays.stream(KmsOperation.values())
            .filter(KmsOperation::grantable)
            .map(KmsOperation::operationName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(grantable).isEqualTo(model);
  }

  @Test
  void theLocalKmsAnswersExactlyTheOperationsMarkedLocal() {
    for (KmsOperation o : KmsOperation.values()) {
      assertThat(OperationTable.implemented(o.operationName()))
          .as(o.operationName())
          .isEqualTo(o.isApiOperation() && o.implementedLocally());
    }
    assertThat(OperationTable.implemented("decrypt")).isFalse();
  }
}
