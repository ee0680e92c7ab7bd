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

    /*
     * Maven's ComparableVersion decides two items of different kinds by kind alone (number > sub-list > qualifier)
     * but an item against the end of a shorter version by its value ("sp" after it, "alpha" before it, 0 equal to
     * it). The two rules disagree, so its order is not transitive: "1.x" < "1-alpha" < "1" < "1.x", or
     * "5.0.0.Beta1" < "5" < "5-1" < "5.0.0.Beta1". A sort or a range check over such versions then depends on the
     * order it meets them in. Here every item first gets its side of the end of a version (its "sign": before,
     * equal, after), items on different sides compare by side, and only items on the same side by kind and value;
     * a 0 inside a version takes the side of what follows it ("5.0.0.Beta1" is before 5, "1.0.1" after it). Items
     * equal to the end (0, "", ga, final, release, an empty sub-list) equal each other. That is a lexicographic order
     * on such keys, so a total order on all strings, and it agrees with Maven wherever Maven's two rules agree.
     */
    private sealed interface Item permits IntItem, StringItem, ListItem {
        boolean isNull();

        /** Rank of the kind among items on the same side of the end of a version. */
        int kind();
    }

    private record IntItem(BigInteger value) implements Item {
        public boolean isNull() {
            return value.signum() == 0;
        }

        public int kind() {
            return 2;
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

        int sign() {
            return Integer.signum(comparable(value).compareTo(RELEASE_INDEX));
        }

        public boolean isNull() {
            return sign() == 0;
        }

        public int kind() {
            return 0;
        }
    }

    private static final class ListItem extends ArrayList<Item> implements Item {
        /** Per item, its side of the end of a version (-1, 0, 1); filled by {@link #normalize}. */
        private int[] signs = new int[0];

        public boolean isNull() {
            return isEmpty();
        }

        public int kind() {
            return 1;
        }

        /** Which side of the end of a version this whole list is on: that of its first item not equal to it. */
        int sign() {
            return signs.length == 0 ? 0 : signs[0] != 0 ? signs[0] : suffixSign(0);
        }

        private int suffixSign(int from) {
            for (int i = from; i < signs.length; i++) {
                if (signs[i] != 0) {
                    return signs[i];
                }
            }
            return 0;
        }

        /** Drops trailing null items and fixes each item's side; sub-lists are normalized before their parent. */
        void normalize() {
            for (int i = size() - 1; i >= 0; i--) {
                Item last = get(i);
                if (last.isNull()) {
                    remove(i);
                } else if (!(last instanceof ListItem)) {
                    break;
                }
            }
            signs = new int[size()];
            int following = 0; // side of the first item after i that is not equal to the end
            for (int i = size() - 1; i >= 0; i--) {
                Item item = get(i);
                int own = item instanceof StringItem s ? s.sign()
                        : item instanceof ListItem l ? l.sign()
                        : item.isNull() ? 0 : 1;
                // a 0 between other items is on the side of what follows it
                signs[i] = own == 0 && item instanceof IntItem ? following : own;
                if (own != 0) {
                    following = own;
                }
            }
        }

        int compareTo(ListItem o) {
            int n = Math.max(size(), o.size());
            for (int k = 0; k < n; k++) {
                int ls = k < size() ? signs[k] : 0;
                int rs = k < o.size() ? o.signs[k] : 0;
                if (ls != rs) {
                    return Integer.compare(ls, rs);
                }
                if (ls == 0) {
                    continue; // both equal to the end of a version, so to each other
                }
                int result = compareSameSide(get(k), o.get(k));
                if (result != 0) {
                    return result;
                }
            }
            return 0;
        }

        private static int compareSameSide(Item l, Item r) {
            if (l.kind() != r.kind()) {
                return Integer.compare(l.kind(), r.kind());
            }
            if (l instanceof IntItem i) {
                return i.value().compareTo(((IntItem) r).value());
            }
            if (l instanceof StringItem s) {
                return StringItem.comparable(s.value()).compareTo(StringItem.comparable(((StringItem) r).value()));
            }
            return ((ListItem) l).compareTo((ListItem) r);
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
