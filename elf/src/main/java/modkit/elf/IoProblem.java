package modkit.elf;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong with a file, in words: the JDK's file exceptions carry only the path in their message
 * ("/var/lib/x"), which says nothing once the path is already in the error line.
 */
public final class IoProblem {
    private IoProblem() {}

    public static String describe(IOException e) {
        String what = switch (e) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory";
            case FileAlreadyExistsException f -> "file exists";
            case NotDirectoryException n -> "not a directory";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage();
        };
        String path = e instanceof FileSystemException f ? f.getFile() : null;
        return path == null ? what : path + ": " + what;
    }
}
