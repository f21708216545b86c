import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites, in place, the class files of a jar that are older than Java 6 (class file major version below 50) as
 * Java 8 class files with stack maps; newer ones and everything else are copied unchanged. The code is the same
 * instruction for instruction: only the version changes and the StackMapTable the new verifier needs is added.
 *
 * <p>Why: the JVM's AOT cache (scripts/aot-cache.sh) refuses classes that need the old verifier, and picocli is
 * built for Java 5, so every modkit command parsed and verified its ~200 picocli classes at start-up (about a
 * third of a 0.2 s start). Run on the launcher's copy in cli/target/lib only; the Maven dependency is untouched.
 *
 * <p>Usage: {@code java scripts/ModernizeJar.java JAR...} (JDK 24 or later: java.lang.classfile).
 */
public final class ModernizeJar {
    private static final int OLD_VERIFIER_BELOW = 50;
    private static final int TARGET_MAJOR = 52;

    public static void main(String[] args) throws IOException {
        for (String a : args) {
            int n = modernize(Path.of(a));
            if (n > 0) {
                System.out.println("modernized " + n + " class files in " + a);
            }
        }
    }

    private static int modernize(Path jar) throws IOException {
        int changed = 0;
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (URLClassLoader jarClasses = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            // Stack maps merge types, so the writer must know the jar's own class hierarchy as well as the JDK's.
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(jarClasses))));
            ClassTransform retarget = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                    .andThen((builder, element) -> {
                        if (element instanceof ClassFileVersion) {
                            builder.withVersion(TARGET_MAJOR, 0);
                        } else {
                            builder.with(element);
                        }
                    });
            try (InputStream in = Files.newInputStream(jar);
                    ZipInputStream zin = new ZipInputStream(in);
                    OutputStream out = Files.newOutputStream(tmp);
                    ZipOutputStream zout = new ZipOutputStream(out)) {
                for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                    byte[] bytes = zin.readAllBytes();
                    if (e.getName().endsWith(".class")) {
                        ClassModel m = cf.parse(bytes);
                        if (m.majorVersion() < OLD_VERIFIER_BELOW) {
                            bytes = cf.transformClass(m, retarget);
                            changed++;
                        }
                    }
                    ZipEntry copy = new ZipEntry(e.getName());
                    copy.setTime(e.getTime());
                    zout.putNextEntry(copy);
                    zout.write(bytes);
                    zout.closeEntry();
                }
            }
        }
        if (changed > 0) {
            Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(tmp);
        }
        return changed;
    }
}
