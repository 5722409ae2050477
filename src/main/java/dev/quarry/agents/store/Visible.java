package dev.quarry.agents.store;

import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A page of only the rows a caller may see: rows hidden by policy are skipped and the store is read
 * on past them, so a page is as full as the rows allow and {@code has_more} says whether a visible
 * row follows.
 */
public final class Visible {
    private Visible() {}

    public static <T> Page<T> page(ListQuery query, Function<ListQuery, Page<T>> read, Predicate<T> visible, Function<T, String> id) {
        List<T> out = new ArrayList<>();
        ListQuery at = query;
        while (true) {
            Page<T> page = read.apply(at);
            for (T row : page.data()) {
                if (!visible.test(row)) continue;
                if (out.size() == query.limit()) return new Page<>(out, true);
                out.add(row);
            }
            if (!page.hasMore() || page.data().isEmpty()) return new Page<>(out, false);
            at = new ListQuery(id.apply(page.data().getLast()), query.limit(), query.ascending(), query.agentId());
        }
    }
}
