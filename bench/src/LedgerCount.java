import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

/** Prints "rows=N completed_rows=M" for usage_ledger in a Quarry SQLite file. Usage: java -cp lib/* LedgerCount.java DB */
public final class LedgerCount {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
             ResultSet r = c.createStatement().executeQuery(
                     "SELECT count(*), coalesce(sum(CASE WHEN status = 'completed' THEN 1 ELSE 0 END), 0) FROM usage_ledger")) {
            r.next();
            System.out.println("rows=" + r.getLong(1) + "\tcompleted_rows=" + r.getLong(2));
        }
    }
}
