package io.segmenthub.fault;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loses the hub store's connections in the middle of a run, at a chosen statement: the
 * {@code occurrence}-th time the hub prepares SQL containing {@code fragment}. Two ways:
 * <ul>
 *   <li>{@link Mode#CUT}: every connection open at that moment fails from then on with SQLSTATE
 *       08006 (connection failure), as after a database restart; new connections work. Works on
 *       H2 and PostgreSQL alike.</li>
 *   <li>{@link Mode#TERMINATE}: PostgreSQL only, and real: a second connection calls
 *       {@code pg_terminate_backend} for every other backend of this database, so the server
 *       itself drops the hub's connections. The shared server keeps running.</li>
 * </ul>
 */
final class StoreFaults {

    enum Mode { CUT, TERMINATE }

    private static volatile String fragment;
    private static volatile Mode mode;
    private static final AtomicInteger remaining = new AtomicInteger();
    private static volatile String terminateUrl;
    private static volatile String terminateUser;
    private static final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private static final Set<Connection> broken = ConcurrentHashMap.newKeySet();
    private static volatile boolean fired;

    private StoreFaults() {
    }

    static void arm(String sqlFragment, int occurrence, Mode how) {
        fired = false;
        broken.clear();
        mode = how;
        remaining.set(occurrence);
        fragment = sqlFragment;
    }

    static void terminateVia(String url, String user) {
        terminateUrl = url;
        terminateUser = user;
    }

    static void disarm() {
        fragment = null;
        broken.clear();
    }

    static boolean fired() {
        return fired;
    }

    static DataSource wrap(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(StoreFaults.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (result instanceof Connection c) {
                        return connection(c);
                    }
                    return result;
                });
    }

    private static Connection connection(Connection real) {
        Connection[] self = new Connection[1];
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (method.getDeclaringClass() == Object.class) {
                return switch (name) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "faulty(" + real + ")";
                };
            }
            if (name.equals("close")) {
                open.remove(self[0]);
                broken.remove(self[0]);
                return invoke(real, method, args);
            }
            if (name.equals("isClosed") || name.equals("unwrap") || name.equals("isWrapperFor")) {
                return invoke(real, method, args);
            }
            if (broken.contains(self[0])) {
                throw lost();
            }
            if ((name.equals("prepareStatement") || name.equals("prepareCall")) && args != null && args[0] instanceof String sql) {
                String armed = fragment;
                if (armed != null && sql.contains(armed) && remaining.decrementAndGet() == 0) {
                    fragment = null;
                    fired = true;
                    if (mode == Mode.CUT) {
                        broken.addAll(open);
                        throw lost();
                    }
                    terminateOtherBackends();
                }
            }
            return invoke(real, method, args);
        };
        Connection proxy = (Connection) Proxy.newProxyInstance(StoreFaults.class.getClassLoader(), new Class<?>[]{Connection.class}, handler);
        self[0] = proxy;
        open.add(proxy);
        return proxy;
    }

    private static void terminateOtherBackends() {
        try (Connection admin = DriverManager.getConnection(terminateUrl, terminateUser, "");
             Statement s = admin.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        } catch (SQLException e) {
            throw new IllegalStateException("could not terminate the store's backends", e);
        }
    }

    private static SQLException lost() {
        return new SQLException("connection to the store lost (fault injected by the test)", "08006");
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
