package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

/**
 * What a reader needs to judge a report: the machine, the JDK, and the exact versions compared. The Corral
 * version is its jar (and build time) on the Corral classpath plus, when the bench runs inside the
 * repository, the git commit and whether the work tree had uncommitted changes.
 */
record MachineInfo(String cpu, int logicalCpus, long memoryBytes, String kernel, String jdk, String zookeeperVersion,
        String corralVersion) {

    static MachineInfo collect(ServerOptions options, Path repository) {
        return new MachineInfo(cpuModel(), Runtime.getRuntime().availableProcessors(), totalMemoryBytes(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                org.apache.zookeeper.Version.getFullVersion(), corralVersion(options, repository) + fingerprint(options));
    }

    private static String fingerprint(ServerOptions options) {
        try {
            return ", jars sha256 " + options.corralFingerprint();
        } catch (IOException e) {
            return "";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long totalMemoryBytes() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("MemTotal:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst().orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String corralVersion(ServerOptions options, Path repository) {
        StringBuilder text = new StringBuilder();
        Optional<Path> cliJar = List.of(options.corralClasspath().split(java.io.File.pathSeparator)).stream()
                .map(Path::of)
                .filter(path -> path.getFileName().toString().startsWith("corral-cli"))
                .findFirst();
        cliJar.ifPresent(jar -> {
            text.append(jar.getFileName());
            try {
                FileTime built = Files.getLastModifiedTime(jar);
                text.append(" built ").append(built.toString().replaceFirst("\\.\\d+Z$", "Z"));
            } catch (IOException e) {
                // the name is enough
            }
        });
        if (repository != null) {
            try {
                String commit = ProcessStats.run(List.of("git", "rev-parse", "--short", "HEAD"), repository, 10_000).trim();
                String status = ProcessStats.run(List.of("git", "status", "--porcelain", "--untracked-files=no"),
                        repository, 10_000).trim();
                text.append(text.length() > 0 ? ", " : "").append("git ").append(commit)
                        .append(status.isEmpty() ? "" : " with uncommitted changes");
            } catch (IOException | RuntimeException e) {
                // not a git work tree, or no git: the jar is what we know
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return text.length() == 0 ? "unknown" : text.toString();
    }
}
