package modkit.kernel;

/** The kernel's {@code enum module_state}, with the words /proc/modules uses. */
public enum ModuleState {
    LIVE("Live"),
    COMING("Loading"),
    GOING("Unloading"),
    UNFORMED("Unformed");

    private final String procWord;

    ModuleState(String procWord) {
        this.procWord = procWord;
    }

    public String procWord() {
        return procWord;
    }
}
