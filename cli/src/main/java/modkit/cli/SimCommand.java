package modkit.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import modkit.command.CommonOptions;
import modkit.command.Json;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;
import modkit.kernel.Errno;
import modkit.kernel.KernelBackend;
import modkit.kernel.KernelProfile;
import modkit.kernel.ModuleEvent;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import modkit.kernel.Taint;
import modkit.lsmod.ParamsCommand;
import modkit.lsmod.ProcModules;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modkit sim ...}: the simulated kernel itself: boot, init hooks, references, and its views. */
@Command(name = "sim", mixinStandardHelpOptions = true, description = "The simulated kernel.")
public final class SimCommand implements Runnable, CommandGroup {
    @Spec
    CommandSpec spec;

    @Override
    public Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> subs = new LinkedHashMap<>();
        subs.put("boot", Boot::new);
        subs.put("fail-init", FailInit::new);
        subs.put("init-delay", InitDelay::new);
        subs.put("exit-delay", ExitDelay::new);
        subs.put("clear", Clear::new);
        subs.put("get", Get::new);
        subs.put("put", Put::new);
        subs.put("events", Events::new);
        subs.put("params", Params::new);
        subs.put("proc-modules", Proc::new);
        subs.put("tainted", Tainted::new);
        return subs;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    @Command(name = "boot", mixinStandardHelpOptions = true, description = "Start a fresh simulated kernel (no modules loaded).")
    static final class Boot implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--kernel", paramLabel = "PROFILE", description = "Kernel profile (default: the embedded Debian 6.1.0-56-amd64)")
        Path kernel;

        @Option(names = "--set", paramLabel = "CONFIG_X=VALUE",
                description = "Change a config option of the profile for this kernel (repeatable), e.g. CONFIG_MODULE_FORCE_UNLOAD=y")
        Map<String, String> set = new LinkedHashMap<>();

        @Option(names = "--keyring", paramLabel = "DIR",
                description = "Trust the certificates in DIR (*.der, *.x509, *.crt, *.pem) for module signatures, besides the kernel's built-in ones")
        Path keyring;

        @Override
        public Integer call() {
            KernelProfile p = kernel == null ? ProfileFile.embeddedDefault() : ProfileFile.read(kernel);
            if (keyring != null) {
                p = p.withTrustedKeys(modkit.kernel.signature.Keyring.readDirectory(keyring));
            }
            for (String key : set.keySet()) {
                if (!key.startsWith("CONFIG_")) {
                    throw new ModkitException("--set " + key + ": not a kernel config option", "use the form CONFIG_NAME=y");
                }
            }
            p = p.withConfig(set);
            common.requireSimulated("modkit sim boot");
            List<String> dropped = new ArrayList<>();
            if (SimulatedKernel.exists(common.stateRoot())) {
                try (SimulatedKernel old = SimulatedKernel.open(common.stateRoot())) {
                    old.modules().forEach(m -> dropped.add(m.name()));
                } catch (ModkitException e) {
                    // a state of another version or a damaged one: booting replaces it, which is what was asked
                }
            }
            if (!dropped.isEmpty()) {
                boolean one = dropped.size() == 1;
                System.err.println("sim: the " + dropped.size() + (one ? " module" : " modules") + " loaded in the previous kernel "
                        + (one ? "is" : "are") + " gone: " + String.join(" ", dropped));
            }
            try (SimulatedKernel k = SimulatedKernel.boot(common.stateRoot(), p)) {
                System.out.println("booted " + p.arch() + " " + p.release() + " (" + p.symbols().size()
                        + " exported symbols) under " + common.stateRoot());
            }
            return 0;
        }
    }

    @Command(name = "fail-init", mixinStandardHelpOptions = true,
            description = "Make the module's init fail with ERRNO (a name such as ENODEV, or a number such as 19).")
    static final class FailInit implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "ERRNO")
        String errno;

        @Override
        public Integer call() {
            Errno e = Errno.parse(errno);
            if (e == null) {
                throw new ModkitException("unknown errno '" + errno + "'", "use a name such as ENODEV or a number such as 19");
            }
            try (SimulatedKernel k = common.openSimulated("modkit sim fail-init")) {
                k.failInit(ModuleNames.underscores(name), e);
            }
            return 0;
        }
    }

    /** init-delay and exit-delay: NAME SECONDS, set on the module as milliseconds. */
    abstract static class Delay implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "SECONDS")
        double seconds;

        abstract String what();

        abstract void set(SimulatedKernel k, String module, long millis);

        @Override
        public Integer call() {
            if (seconds < 0) {
                throw new ModkitException(what() + " needs a non-negative number of seconds, not " + seconds);
            }
            try (SimulatedKernel k = common.openSimulated("modkit sim " + what())) {
                set(k, ModuleNames.underscores(name), Math.round(seconds * 1000));
            }
            return 0;
        }
    }

    @Command(name = "init-delay", mixinStandardHelpOptions = true, description = "Make the module's init take SECONDS.")
    static final class InitDelay extends Delay {
        @Override
        String what() {
            return "init-delay";
        }

        @Override
        void set(SimulatedKernel k, String module, long millis) {
            k.initDelay(module, millis);
        }
    }

    @Command(name = "exit-delay", mixinStandardHelpOptions = true,
            description = "Make the module's exit take SECONDS (it stays GOING, refusing new references, meanwhile).")
    static final class ExitDelay extends Delay {
        @Override
        String what() {
            return "exit-delay";
        }

        @Override
        void set(SimulatedKernel k, String module, long millis) {
            k.exitDelay(module, millis);
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove the module's fail-init, init-delay and exit-delay settings.")
    static final class Clear implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (SimulatedKernel k = common.openSimulated("modkit sim clear")) {
                if (!k.clearFaults(ModuleNames.underscores(name))) {
                    System.err.println("sim: nothing was set for " + name);
                }
            }
            return 0;
        }
    }

    /** get and put: change the module's reference count by one and print it. */
    abstract static class Reference implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME")
        String name;

        abstract long change(SimulatedKernel k, String module);

        abstract String what();

        @Override
        public Integer call() {
            try (SimulatedKernel k = common.openSimulated("modkit sim " + what())) {
                System.out.println(change(k, ModuleNames.underscores(name)));
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Take a reference on a module, as a user of it would (try_module_get); prints the count.")
    static final class Get extends Reference {
        @Override
        long change(SimulatedKernel k, String module) {
            return k.get(module);
        }

        @Override
        String what() {
            return "get";
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Drop a reference taken with get (module_put); prints the count.")
    static final class Put extends Reference {
        @Override
        long change(SimulatedKernel k, String module) {
            return k.put(module);
        }

        @Override
        String what() {
            return "put";
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true, description = "The notifier log: COMING, LIVE and GOING events.")
    static final class Events implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--json", description = "Print JSON")
        boolean json;

        @Override
        public Integer call() {
            List<ModuleEvent> events;
            try (SimulatedKernel k = common.openSimulated("modkit sim events")) {
                events = k.events();
            }
            if (json) {
                List<Object> out = new ArrayList<>();
                for (ModuleEvent e : events) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("seq", e.seq());
                    o.put("time", Instant.ofEpochMilli(e.timeMillis()).toString());
                    o.put("module", e.module());
                    o.put("event", e.event());
                    o.put("detail", e.detail());
                    out.add(o);
                }
                System.out.print(Json.write(out));
            } else {
                for (ModuleEvent e : events) {
                    System.out.println(Instant.ofEpochMilli(e.timeMillis()) + " " + e.event() + " " + e.module()
                            + (e.detail() == null ? "" : " (" + e.detail() + ")"));
                }
            }
            return 0;
        }
    }

    @Command(name = "params", mixinStandardHelpOptions = true,
            description = "A module's parameters and their values, read from its memory (like /sys/module/NAME/parameters).")
    static final class Params extends ParamsCommand {
        @Override
        protected KernelBackend open() {
            return common.openSimulated("modkit sim params");
        }
    }

    @Command(name = "proc-modules", mixinStandardHelpOptions = true, description = "The module list in /proc/modules' format.")
    static final class Proc implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--json", description = "Print JSON")
        boolean json;

        @Override
        public Integer call() {
            try (SimulatedKernel k = common.openSimulated("modkit sim proc-modules")) {
                System.out.print(json ? ProcModules.json(k.modules(), k.taints()) : ProcModules.text(k.modules(), k.profile()));
            }
            return 0;
        }
    }

    @Command(name = "tainted", mixinStandardHelpOptions = true,
            description = "The kernel's taint: /proc/sys/kernel/tainted and the letters as an oops prints them.")
    static final class Tainted implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--json", description = "Print JSON")
        boolean json;

        @Override
        public Integer call() {
            String t;
            try (SimulatedKernel k = common.openSimulated("modkit sim tainted")) {
                t = k.taints();
            }
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("tainted", Taint.mask(t));
                o.put("letters", t);
                System.out.print(Json.write(o));
            } else {
                System.out.println(Taint.mask(t) + " " + Taint.describe(t));
            }
            return 0;
        }
    }
}
