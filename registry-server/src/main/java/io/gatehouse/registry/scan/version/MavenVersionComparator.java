package io.gatehouse.registry.scan.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Maven's version ordering, following the rules of maven-artifact's ComparableVersion: a version is a list of items
 * split on {@code .}, {@code -} and digit/letter transitions ({@code -} and transitions open a sub-list); numbers
 * compare numerically; known qualifiers order {@code alpha < beta < milestone < rc = cr < snapshot < "" = ga = final =
 * release < sp}, unknown qualifiers after them alphabetically; trailing "null" items (0, "", ga, final, release)
 * are dropped, so {@code 1 = 1.0 = 1.0.0 = 1-ga}. {@code a1}, {@code b1}, {@code m1} abbreviate alpha, beta, milestone.
 */
public final class MavenVersionComparator implements VersionComparator {

    public static final MavenVersionComparator INSTANCE = new MavenVersionComparator();

    private static final List<String> QUALIFIERS = List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
    private static final String RELEASE_INDEX = String.valueOf(QUALIFIERS.indexOf(""));

    private sealed interface Item permits IntItem, StringItem, ListItem {
        int compareTo(Item other);

        boolean isNull();
    }

    private record IntItem(BigInteger value) implements Item {
        public int compareTo(Item other) {
            if (other == null) {
                return value.signum() == 0 ? 0 : 1;
            }
            if (other instanceof IntItem i) {
                return value.compareTo(i.value);
            }
            return 1; // a number is newer than a qualifier or a sub-list
        }

        public boolean isNull() {
            return value.signum() == 0;
        }
    }

    private record StringItem(String value) implements Item {
        static StringItem of(String raw, boolean followedByDigit) {
            String v = raw;
            if (followedByDigit && v.length() == 1) {
                v = switch (v.charAt(0)) {
                    case 'a' -> "alpha";
                    case 'b' -> "beta";
                    case 'm' -> "milestone";
                    default -> v;
                };
            }
            v = switch (v) {
                case "ga", "final", "release" -> "";
                case "cr" -> "rc";
                default -> v;
            };
            return new StringItem(v);
        }

        static String comparable(String q) {
            int i = QUALIFIERS.indexOf(q);
            return i < 0 ? QUALIFIERS.size() + "-" + q : String.valueOf(i);
        }

        public int compareTo(Item other) {
            if (other == null) {
                return comparable(value).compareTo(RELEASE_INDEX);
            }
            if (other instanceof StringItem s) {
                return comparable(value).compareTo(comparable(s.value));
            }
            return -1;
        }

        public boolean isNull() {
            return comparable(value).equals(RELEASE_INDEX);
        }
    }

    private static final class ListItem extends ArrayList<Item> implements Item {
        public int compareTo(Item other) {
            if (other == null) {
                for (Item i : this) {
                    int r = i.compareTo(null);
                    if (r != 0) {
                        return r;
                    }
                }
                return 0;
            }
            if (other instanceof IntItem) {
                return -1;
            }
            if (other instanceof StringItem) {
                return 1;
            }
            ListItem o = (ListItem) other;
            int n = Math.max(size(), o.size());
            for (int k = 0; k < n; k++) {
                Item l = k < size() ? get(k) : null;
                Item r = k < o.size() ? o.get(k) : null;
                int result = l == null ? (r == null ? 0 : -r.compareTo(null)) : l.compareTo(r);
                if (result != 0) {
                    return result;
                }
            }
            return 0;
        }

        public boolean isNull() {
            return isEmpty();
        }

        void normalize() {
            for (int i = size() - 1; i >= 0; i--) {
                Item last = get(i);
                if (last.isNull()) {
                    remove(i);
                } else if (!(last instanceof ListItem)) {
                    break;
                }
            }
        }
    }

    private static Item parseItem(boolean digit, String buf, boolean followedByDigit) {
        return digit ? new IntItem(new BigInteger(buf)) : StringItem.of(buf, followedByDigit);
    }

    private static ListItem parse(String version) {
        String v = version.trim().toLowerCase(Locale.ROOT);
        ListItem root = new ListItem();
        ListItem list = root;
        Deque<ListItem> stack = new ArrayDeque<>();
        stack.push(list);
        boolean isDigit = false;
        int start = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '.') {
                list.add(i == start ? new IntItem(BigInteger.ZERO) : parseItem(isDigit, v.substring(start, i), false));
                start = i + 1;
            } else if (c == '-') {
                list.add(i == start ? new IntItem(BigInteger.ZERO) : parseItem(isDigit, v.substring(start, i), false));
                start = i + 1;
                ListItem sub = new ListItem();
                list.add(sub);
                list = sub;
                stack.push(list);
            } else if (c >= '0' && c <= '9') {
                if (!isDigit && i > start) {
                    // "1.0.0.X1" is read like "1.0.0-X-1": a letter run followed by digits starts a sub-list
                    list.add(StringItem.of(v.substring(start, i), true));
                    start = i;
                    ListItem sub = new ListItem();
                    list.add(sub);
                    list = sub;
                    stack.push(list);
                }
                isDigit = true;
            } else {
                if (isDigit && i > start) {
                    list.add(parseItem(true, v.substring(start, i), false));
                    start = i;
                    ListItem sub = new ListItem();
                    list.add(sub);
                    list = sub;
                    stack.push(list);
                }
                isDigit = false;
            }
        }
        if (v.length() > start) {
            list.add(parseItem(isDigit, v.substring(start), false));
        }
        while (!stack.isEmpty()) {
            stack.pop().normalize();
        }
        return root;
    }

    @Override
    public int compare(String a, String b) {
        return Integer.signum(parse(a).compareTo(parse(b)));
    }

    @Override
    public boolean isValid(String version) {
        return version != null && !version.isBlank();
    }
}
