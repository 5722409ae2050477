package dev.quarry.catalog;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The models Quarry knows, looked up by id or alias. Immutable; built once at start-up. */
public final class Catalog {
    private final List<ModelEntry> entries;
    private final Map<String, ModelEntry> byName = new LinkedHashMap<>();

    public Catalog(Collection<ModelEntry> models) {
        this.entries = List.copyOf(models);
        for (ModelEntry entry : entries) {
            claim(entry.id(), entry);
            for (String alias : entry.aliases()) claim(alias, entry);
        }
    }

    private void claim(String name, ModelEntry entry) {
        ModelEntry previous = byName.putIfAbsent(name, entry);
        if (previous != null && previous != entry) {
            throw new IllegalArgumentException(
                    "model name '" + name + "' is used by both '" + previous.id() + "' and '" + entry.id() + "'");
        }
    }

    public List<ModelEntry> models() {
        return entries;
    }

    /**
     * The entry a client's model name refers to, ready to serve a request of the given kind.
     *
     * @throws QuarryException naming what is wrong and what to configure
     */
    public ModelEntry resolve(String name, ModelKind kind) {
        ModelEntry entry = byName.get(name);
        if (entry == null) {
            throw new QuarryException(new QuarryError(ErrorKind.MODEL_NOT_FOUND,
                    "The model '" + name + "' does not exist in this Quarry's catalog. "
                            + "GET /v1/models lists the models you can use.", "model", null));
        }
        if (entry.kind() != kind) {
            throw QuarryException.invalid("model", "The model '" + name + "' is a " + describe(entry.kind())
                    + " model and cannot serve a " + describe(kind) + " request.");
        }
        if (!entry.available()) {
            throw new QuarryException(new QuarryError(ErrorKind.MODEL_UNAVAILABLE,
                    "The model '" + entry.id() + "' is known but has no deployment configured, so nothing can serve it. "
                            + "Add a provider under 'providers:' (name, type, base_url, api_key_env) and a deployment "
                            + "under 'models:' (- id: " + entry.id() + ", deployments: [{provider: <name>, model: "
                            + "<upstream model id>}]) in the file given to 'quarry serve --config'.",
                    "model", null));
        }
        return entry;
    }

    /** The entry an id or alias names, of any kind and available or not. */
    public Optional<ModelEntry> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Lists the names (ids and aliases) that resolve to an entry; for messages and tests. */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    private static String describe(ModelKind kind) {
        return kind == ModelKind.CHAT ? "chat" : "embedding";
    }
}
