package modkit.testdata.realkernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A shell command run in the guest: what it printed (stdout and stderr) and its exit status. */
record GuestShell(String output, int exit) {
    static GuestShell run(String command) {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new GuestShell(text, p.waitFor());
        } catch (IOException e) {
            return new GuestShell("[cannot run: " + e.getMessage() + "]\n", -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GuestShell("[interrupted]\n", -1);
        }
    }
}
