package dev.envelope.aws.policy.doctor;

import dev.envelope.aws.policy.Grant;

/**
 * A grant of the environment. {@code propagated=false} models a grant KMS has just created: it
 * counts only for requests that present its {@code grantToken}, as KMS documents.
 */
record EnvGrant(Grant grant, String grantToken, boolean propagated) {}
