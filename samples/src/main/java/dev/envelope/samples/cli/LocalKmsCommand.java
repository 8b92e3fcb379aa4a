package dev.envelope.samples.cli;

import dev.envelope.aws.local.KeyConfig;
import dev.envelope.aws.local.LocalKms;
import dev.envelope.aws.local.LocalKmsConfig;
import dev.envelope.aws.local.PrincipalConfig;
import dev.envelope.samples.support.DevKms;
import dev.envelope.samples.support.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code envelope local-kms}: the local KMS server in the foreground, for other processes and
 * tools.
 */
@Command(
    name = "local-kms",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the local KMS in the foreground on 127.0.0.1 until interrupted (Ctrl-C).",
      "Point an AWS SDK or the AWS CLI at it with --endpoint-url http://127.0.0.1:PORT and the access key of a",
      "configured principal. Keys with keyMaterial in the config (the default config has it) keep their",
      "material across restarts; others get new material each time the server starts."
    })
final class LocalKmsCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Local KMS config (JSON). Default: "
              + DevKms.CONFIG_FILE
              + " in $ENVELOPE_HOME or ~/.envelope, written with the development defaults if absent.")
  Path config;

  @Option(
      names = "--port",
      paramLabel = "N",
      description =
          "TCP port on 127.0.0.1 (default: the config's port,"
              + " else an ephemeral port, printed).")
  Integer port;

  @Option(names = "--local-kms-state", paramLabel = "DIR", hidden = true)
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    LocalKmsConfig cfg;
    if (config != null) {
      if (!Files.isRegularFile(config)) {
        throw new UsageException("config file " + config + " does not exist; check --config");
      }
      try {
        cfg = LocalKmsConfig.load(config);
      } catch (RuntimeException e) {
        throw new UsageException("config " + config + " is invalid: " + e.getMessage(), e);
      }
    } else {
      KmsOptions defaults = new KmsOptions();
      defaults.stateDir = stateDir;
      cfg = DevKms.loadOrCreateConfig(defaults.home());
    }
    if (port != null && (port < 0 || port > 65535)) {
      throw new UsageException("--port must be 0..65535, got " + port);
    }
    LocalKms.Builder builder = LocalKms.builder().config(cfg);
    if (port != null) {
      builder.port(port);
    }
    CountDownLatch stop = new CountDownLatch(1);
    LocalKms kms;
    try {
      kms = builder.start();
    } catch (java.io.UncheckedIOException e) {
      throw new UsageException(
          "cannot listen on port "
              + (port != null ? port : cfg.port())
              + ": "
              + e.getCause().getMessage()
              + "; choose another --port",
          e);
    }
    try (kms) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stop.countDown();
                    kms.close();
                  }));
      System.out.println(
          "Local KMS listening on " + kms.endpoint() + " (Region " + cfg.region() + ")");
      for (PrincipalConfig p : cfg.principals()) {
        System.out.println("  principal " + p.arn() + "  access key id " + p.accessKeyId());
      }
      for (KeyConfig k : cfg.keys()) {
        System.out.println(
            "  key "
                + kms.keyArn(k.accountId(), k.keyId())
                + " "
                + k.aliases()
                + (k.state() != KeyConfig.State.ENABLED ? " " + k.state() : ""));
      }
      System.out.println("Press Ctrl-C to stop.");
      System.out.flush();
      stop.await();
    }
    return 0;
  }
}
