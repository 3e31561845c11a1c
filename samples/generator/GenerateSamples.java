/*
 * GenerateSamples.java - quickstart sample data for segment-hub.
 *
 * What it makes: ONE made-up company with 1,500 customers (55 % Chinese, 45 % British/American),
 * seen through five systems, each with the duplicates and noise real exports have:
 *
 *   crm/contacts.json          CRM export (JSON array)             ~1,100 contacts
 *   erp/erp.sql                ERP database (CREATE TABLE + INSERT) ~900 customers, ~4,500 orders
 *   web/events.jsonl           web analytics (JSON lines)          ~3,000 events, 500 visitors
 *   social/profiles.json       social platform (JSON array)        350 profiles
 *   consent/consent_events.csv consent platform + web forms (CSV)  ~2,000 consent events
 *   truth/identity.csv         ground truth: which source record is which person (for evaluation only)
 *
 * The same person keeps the same e-mail and mobile number in every system unless the program varies
 * it on purpose (upper case, other format, second address), so identity resolution on e-mail/phone
 * can link the records. The deliberate faults and the true cross-system pairs are counted and printed.
 *
 * How to rerun (JDK 17, no dependencies), from the repository root:
 *
 *     java samples/generator/GenerateSamples.java samples
 *
 * The seed is fixed (20261123) and nothing depends on the clock, locale or hash order, so every run
 * writes byte-identical files. Any change to the order of random draws regenerates everything.
 *
 * All personal data is invented. E-mail addresses use reserved example domains (RFC 2606).
 * UK numbers are in Ofcom's drama ranges (020 7946 0xxx, 0161 496 0xxx, ...); the drama mobile range
 * 07700 900xxx is not used because libphonenumber rejects it. US numbers are 555-01xx (fictional,
 * accepted by libphonenumber 9.x). China has no fictional range, so Chinese mobiles are random
 * 13x/15x/18x numbers.
 */

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

public class GenerateSamples {

    // ------------------------------------------------------------------ sizes (the README quotes them)
    static final long SEED = 20261123L;
    static final int POOL_SIZE = 1500, CHINESE = 825, BRITISH = 338;       // the rest are American
    static final int CRM_PEOPLE = 1060, CRM_DUPLICATES = 44, CRM_BAD_EMAILS = 11, CRM_BAD_PHONES = 11;
    static final int ERP_FROM_CRM = 540, ERP_ONLY = 360, ERP_DUPLICATES = 9, ERP_BUYERS = 800;
    static final int WEB_KNOWN = 300, WEB_ANONYMOUS = 200, WEB_NO_ANALYTICS = 50;
    static final int SOCIAL_KNOWN = 245, SOCIAL_STRANGERS = 105;
    static final int CONSENT_PEOPLE = 820;

    static final LocalDate ORDERS_FROM = LocalDate.of(2024, 7, 1), ORDERS_TO = LocalDate.of(2026, 10, 31);
    static final LocalDateTime END = LocalDateTime.of(2026, 10, 31, 23, 59, 59);

    static final Random rnd = new Random(SEED);
    static final DateTimeFormatter ISO_Z = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT);
    static final DateTimeFormatter SQL_TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    // ------------------------------------------------------------------ the people
    record City(String country, String name, String latin, String postcodePrefix, String phonePrefix) {}

    /** One real customer. mobile is E.164; given/family are hanzi for Chinese people, *Latin is pinyin. */
    record Person(int id, String country, String given, String family, String givenLatin, String familyLatin,
                  String email, String mobile, String street, City city, String postcode, LocalDate birthDate) {
        boolean chinese() { return country.equals("CN"); }
    }

    static final String[][] CN_FAMILY = {{"张", "Zhang"}, {"王", "Wang"}, {"李", "Li"}, {"刘", "Liu"}, {"陈", "Chen"},
        {"杨", "Yang"}, {"黄", "Huang"}, {"赵", "Zhao"}, {"吴", "Wu"}, {"周", "Zhou"}, {"徐", "Xu"}, {"孙", "Sun"},
        {"马", "Ma"}, {"朱", "Zhu"}, {"胡", "Hu"}, {"郭", "Guo"}, {"何", "He"}, {"高", "Gao"}, {"林", "Lin"},
        {"罗", "Luo"}, {"郑", "Zheng"}, {"梁", "Liang"}, {"谢", "Xie"}, {"宋", "Song"}, {"唐", "Tang"}, {"韩", "Han"},
        {"冯", "Feng"}, {"邓", "Deng"}, {"曹", "Cao"}, {"欧阳", "Ouyang"}};
    static final String[][] CN_GIVEN = {{"伟", "Wei"}, {"芳", "Fang"}, {"娜", "Na"}, {"敏", "Min"}, {"静", "Jing"},
        {"丽", "Li"}, {"强", "Qiang"}, {"磊", "Lei"}, {"军", "Jun"}, {"洋", "Yang"}, {"勇", "Yong"}, {"艳", "Yan"},
        {"杰", "Jie"}, {"涛", "Tao"}, {"明", "Ming"}, {"超", "Chao"}, {"霞", "Xia"}, {"平", "Ping"}, {"刚", "Gang"},
        {"秀英", "Xiuying"}, {"桂英", "Guiying"}, {"建华", "Jianhua"}, {"晓明", "Xiaoming"}, {"志强", "Zhiqiang"},
        {"海燕", "Haiyan"}, {"子涵", "Zihan"}, {"雨桐", "Yutong"}, {"浩然", "Haoran"}, {"思远", "Siyuan"},
        {"欣怡", "Xinyi"}, {"宇轩", "Yuxuan"}, {"梓萱", "Zixuan"}, {"俊杰", "Junjie"}, {"佳怡", "Jiayi"},
        {"婷婷", "Tingting"}, {"文博", "Wenbo"}, {"嘉欣", "Jiaxin"}, {"一鸣", "Yiming"}, {"晨", "Chen"}, {"雪", "Xue"}};
    /** Same-sounding characters: the typical typo when a name is typed in with a pinyin input method. */
    static final Map<String, String> HOMOPHONES = Map.ofEntries(Map.entry("伟", "玮"), Map.entry("芳", "方"),
        Map.entry("娜", "纳"), Map.entry("敏", "民"), Map.entry("静", "晶"), Map.entry("丽", "莉"), Map.entry("强", "蔷"),
        Map.entry("磊", "蕾"), Map.entry("军", "君"), Map.entry("杰", "洁"), Map.entry("涛", "滔"), Map.entry("明", "铭"),
        Map.entry("婷", "亭"), Map.entry("欣", "馨"), Map.entry("怡", "仪"), Map.entry("涵", "晗"), Map.entry("轩", "萱"),
        Map.entry("华", "桦"), Map.entry("燕", "艳"), Map.entry("英", "瑛"), Map.entry("雪", "薛"), Map.entry("晨", "辰"));
    static final String[] WEST_GIVEN = {"James", "Oliver", "Emma", "Olivia", "Sophie", "Charlotte", "Amelia", "Jack",
        "Harry", "George", "Thomas", "William", "Michael", "David", "Sarah", "Emily", "Jessica", "Daniel", "Matthew",
        "Laura", "Chloe", "Hannah", "Ryan", "Liam", "Noah", "Ava", "Mia", "Ethan", "Grace", "Isla", "Zoë", "Renée",
        "José", "Mary-Jane", "Siobhan", "Aoife"};
    static final String[] WEST_FAMILY = {"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson",
        "Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
        "Wood", "Harris", "Martin", "Clarke", "Jackson", "O'Brien", "O'Connor", "McDonald", "Murphy", "Garcia", "Miller",
        "Davis", "Rodriguez", "Anderson", "Lee", "Nguyen", "Patel", "Müller", "Kowalski", "Smith-Jones", "van der Berg"};

    static final City[] CN_CITIES = {new City("CN", "上海", "Shanghai", "200", null),
        new City("CN", "北京", "Beijing", "100", null), new City("CN", "广州", "Guangzhou", "510", null),
        new City("CN", "深圳", "Shenzhen", "518", null), new City("CN", "杭州", "Hangzhou", "310", null),
        new City("CN", "成都", "Chengdu", "610", null), new City("CN", "南京", "Nanjing", "210", null),
        new City("CN", "武汉", "Wuhan", "430", null), new City("CN", "西安", "Xi'an", "710", null),
        new City("CN", "苏州", "Suzhou", "215", null)};
    /** phonePrefix: national number prefix of the Ofcom drama range (1,000 fictional numbers per city). */
    static final City[] GB_CITIES = {new City("GB", "London", "London", "E N SE SW W NW", "2079460"),
        new City("GB", "Manchester", "Manchester", "M", "1614960"),
        new City("GB", "Birmingham", "Birmingham", "B", "1214960"), new City("GB", "Leeds", "Leeds", "LS", "1134960"),
        new City("GB", "Edinburgh", "Edinburgh", "EH", "1314960"), new City("GB", "Bristol", "Bristol", "BS", "1174960")};
    /** phonePrefix: area code; numbers are <area> 555-01xx (100 fictional numbers per city). */
    static final City[] US_CITIES = {new City("US", "San Francisco", "San Francisco", "941", "415"),
        new City("US", "New York", "New York", "100", "212"), new City("US", "Seattle", "Seattle", "981", "206"),
        new City("US", "Boston", "Boston", "021", "617"), new City("US", "Chicago", "Chicago", "606", "312"),
        new City("US", "Austin", "Austin", "787", "512")};
    static final String[] CN_STREETS = {"南京西路", "淮海中路", "中山路", "人民路", "解放路", "建国路", "长安街", "天河路",
        "深南大道", "文三路", "延安东路", "漕河泾路"};
    static final String[] GB_STREETS = {"High Street", "Station Road", "King's Road", "Church Lane", "Victoria Road",
        "Queen's Drive", "Mill Lane", "Park Avenue", "St John's Close", "Baker Street"};
    static final String[] US_STREETS = {"Market St", "Main St", "Broadway", "Oak Ave", "Pine St", "Elm St",
        "Mission St", "Washington Ave", "Lake Shore Dr", "Congress Ave"};
    /** Mobile prefixes libphonenumber accepts as valid CN mobiles (154 is not one). */
    static final String[] CN_MOBILE_PREFIXES = {"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
        "150", "151", "152", "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "184", "185", "186",
        "187", "188", "189"};

    // e-mails, phones and handles are unique across everybody (pool and social strangers)
    static final Set<String> usedEmails = new HashSet<>(), usedPhones = new HashSet<>(), usedHandles = new HashSet<>();

    // ------------------------------------------------------------------ ground truth for the summary
    enum Sys { CRM, ERP, WEB, SOCIAL, CONSENT }

    static final int[][] seen = new int[Sys.values().length][POOL_SIZE + 1];    // records per system per person
    static final boolean[] emailShown = new boolean[POOL_SIZE + 1], phoneShown = new boolean[POOL_SIZE + 1];
    static final Map<String, Object> summary = new LinkedHashMap<>();
    /**
     * Labelled truth, one row per source record with an id: system (as the hub names it), record id,
     * person ("P0001"; "S…" for a social stranger, "A…" for an anonymous visitor). Filled while the
     * files are written, without drawing random numbers, so the other files stay as they were.
     */
    static final List<String> truth = new ArrayList<>();

    /** Marketing-e-mail consent decided once per person so CRM, web and consent files agree. */
    static final int ME_GRANTED = 0, ME_WITHDRAWN = 1, ME_DENIED = 2;
    static final int[] marketingEmailPlan = new int[POOL_SIZE + 1];
    static final boolean[] webAnalyticsOff = new boolean[POOL_SIZE + 1];

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "samples");
        List<Person> pool = makePool();
        for (Person p : pool) {
            double r = rnd.nextDouble();
            marketingEmailPlan[p.id()] = r < 0.08 ? ME_WITHDRAWN : r < 0.18 ? ME_DENIED : ME_GRANTED;
        }
        List<Person> shuffled = shuffledCopy(pool);
        List<Person> crmPeople = new ArrayList<>(shuffled.subList(0, CRM_PEOPLE));
        List<Person> notInCrm = new ArrayList<>(shuffled.subList(CRM_PEOPLE, POOL_SIZE));

        writeCrm(out.resolve("crm/contacts.json"), crmPeople);
        writeErp(out.resolve("erp/erp.sql"), crmPeople, notInCrm);
        writeWeb(out.resolve("web/events.jsonl"), pool);
        writeSocial(out.resolve("social/profiles.json"), pool);
        writeConsent(out.resolve("consent/consent_events.csv"), pool);
        writeTruth(out.resolve("truth/identity.csv"));
        printSummary(out);
    }

    // ------------------------------------------------------------------ pool
    static List<Person> makePool() {
        List<String> countries = new ArrayList<>();
        for (int i = 0; i < POOL_SIZE; i++) countries.add(i < CHINESE ? "CN" : i < CHINESE + BRITISH ? "GB" : "US");
        Collections.shuffle(countries, rnd);
        List<Person> pool = new ArrayList<>();
        for (int i = 0; i < POOL_SIZE; i++) pool.add(makePerson(i + 1, countries.get(i)));
        summary.put("people", POOL_SIZE + " (Chinese " + CHINESE + ", British " + BRITISH + ", American "
            + (POOL_SIZE - CHINESE - BRITISH) + ")");
        return pool;
    }

    /** id 0 means "not one of the company's customers" (social-media strangers). */
    static Person makePerson(int id, String country) {
        String given, family, givenLatin, familyLatin;
        City city;
        if (country.equals("CN")) {
            String[] f = CN_FAMILY[skewed(CN_FAMILY.length)], g = CN_GIVEN[rnd.nextInt(CN_GIVEN.length)];
            family = f[0]; familyLatin = f[1]; given = g[0]; givenLatin = g[1];
            city = CN_CITIES[skewed(CN_CITIES.length)];
        } else {
            given = givenLatin = WEST_GIVEN[rnd.nextInt(WEST_GIVEN.length)];
            family = familyLatin = WEST_FAMILY[skewed(WEST_FAMILY.length)];
            city = country.equals("GB") ? GB_CITIES[skewed(GB_CITIES.length)] : US_CITIES[rnd.nextInt(US_CITIES.length)];
        }
        LocalDate birth = LocalDate.of(1955, 1, 1).plusDays(rnd.nextInt(52 * 365));
        String email = makeEmail(givenLatin, familyLatin, birth, country.equals("CN"));
        return new Person(id, country, given, family, givenLatin, familyLatin, email, makeMobile(city),
            makeStreet(city), city, makePostcode(city), birth);
    }

    static String makeEmail(String givenLatin, String familyLatin, LocalDate birth, boolean chinese) {
        String g = ascii(givenLatin), f = ascii(familyLatin);
        String[] domains = chinese ? new String[]{"example.cn", "example.cn", "example.com", "mail.example.org"}
                                   : new String[]{"example.com", "example.com", "mail.example.org", "example.net"};
        String domain = domains[rnd.nextInt(domains.length)];
        for (int attempt = 0; ; attempt++) {
            String local = switch (rnd.nextInt(4)) {
                case 0 -> g + "." + f;
                case 1 -> f + g + (10 + rnd.nextInt(90));
                case 2 -> f.charAt(0) + g + birth.getYear();
                default -> g + "_" + f;
            };
            if (attempt > 2) local += rnd.nextInt(1000);
            String email = local + "@" + domain;
            if (usedEmails.add(email)) return email;
        }
    }

    static String makeMobile(City city) {
        for (int attempt = 0; attempt < 100_000; attempt++) {
            String e164 = switch (city.country()) {
                case "CN" -> "+86" + CN_MOBILE_PREFIXES[rnd.nextInt(CN_MOBILE_PREFIXES.length)] + digits(8);
                case "GB" -> "+44" + city.phonePrefix() + digits(3);
                default -> "+1" + city.phonePrefix() + "55501" + digits(2);
            };
            if (usedPhones.add(e164)) return e164;
        }
        throw new IllegalStateException("fictional number range exhausted for " + city.name());
    }

    static String makeStreet(City city) {
        int no = 1 + rnd.nextInt(300);
        return switch (city.country()) {
            case "CN" -> pick(CN_STREETS) + no + "号"
                + (rnd.nextBoolean() ? (1 + rnd.nextInt(20)) + "栋" + (1 + rnd.nextInt(30)) + "0" + (1 + rnd.nextInt(4)) + "室" : "");
            case "GB" -> (rnd.nextDouble() < 0.3 ? "Flat " + (1 + rnd.nextInt(12)) + ", " : "") + no + " " + pick(GB_STREETS);
            default -> (no * 7) + " " + pick(US_STREETS) + (rnd.nextDouble() < 0.25 ? " Apt " + (1 + rnd.nextInt(9)) + "ABCD".charAt(rnd.nextInt(4)) : "");
        };
    }

    static String makePostcode(City city) {
        return switch (city.country()) {
            case "CN" -> city.postcodePrefix() + digits(3);
            case "GB" -> pick(city.postcodePrefix().split(" ")) + (1 + rnd.nextInt(20)) + " " + rnd.nextInt(10)
                + letter() + letter();
            default -> city.postcodePrefix() + digits(2);
        };
    }

    static char letter() { return "ABDEFGHJLNPQRSTUWXYZ".charAt(rnd.nextInt(20)); }   // letters UK postcodes use

    // ------------------------------------------------------------------ 1. CRM
    static void writeCrm(Path file, List<Person> people) throws IOException {
        record Row(Person p, Map<String, Object> m) {}
        List<Row> rows = new ArrayList<>();
        for (Person p : people) rows.add(new Row(p, crmContact(p)));

        // every deliberate fault hits a different contact so the counts stay exact
        List<Integer> victims = shuffledIndices(rows.size());
        int k = 0;
        List<Row> duplicates = new ArrayList<>();
        for (int i = 0; i < CRM_DUPLICATES; i++) {
            Row original = rows.get(victims.get(k++));
            duplicates.add(new Row(original.p(), crmDuplicate(original.p(), original.m())));
        }
        String[] badPhones = {"12345", "000000", "1380013", "n/a", "+86 123"};
        for (int i = 0; i < CRM_BAD_EMAILS; i++) {
            Row r = rows.get(victims.get(k++));
            r.m().put("email", brokenEmail(r.p().email(), i));
        }
        for (int i = 0; i < CRM_BAD_PHONES; i++) rows.get(victims.get(k++)).m().put("mobile", badPhones[i % badPhones.length]);
        List<Row> malformed = List.of(rows.get(victims.get(k++)), rows.get(victims.get(k++)), rows.get(victims.get(k++)));

        rows.addAll(duplicates);
        Collections.shuffle(rows, rnd);
        for (int i = 0; i < rows.size(); i++) rows.get(i).m().put("contact_id", String.format(Locale.ROOT, "C-%05d", i + 1));
        // a mapper has to reject these: no key, and a timestamp that does not parse
        malformed.get(0).m().remove("contact_id");
        malformed.get(1).m().put("modified", "not-a-date");
        malformed.get(2).m().put("modified", "not-a-date");

        List<Map<String, Object>> objects = new ArrayList<>();
        for (Row r : rows) {
            objects.add(r.m());
            if (!malformed.contains(r)) saw(Sys.CRM, r.p(), (String) r.m().get("email"), (String) r.m().get("mobile"));
            if (r.m().get("contact_id") != null) truth("crm", (String) r.m().get("contact_id"), person(r.p()));
        }
        writeFile(file, prettyArray(objects));
        summary.put("crm/contacts.json", rows.size() + " contacts of " + people.size() + " people; duplicates "
            + CRM_DUPLICATES + ", invalid e-mails " + CRM_BAD_EMAILS + ", invalid phones " + CRM_BAD_PHONES
            + ", malformed 3 (1 without contact_id, 2 with modified=\"not-a-date\")");
    }

    static Map<String, Object> crmContact(Person p) {
        boolean hanzi = p.chinese() && rnd.nextDouble() < 0.85;   // the CRM is mostly typed in by Chinese staff
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("contact_id", null);                                 // numbered after shuffling
        m.put("first_name", hanzi ? p.given() : p.givenLatin());
        m.put("last_name", hanzi ? p.family() : p.familyLatin());
        m.put("email", rnd.nextDouble() < 0.02 ? null : p.email());
        m.put("mobile", rnd.nextDouble() < 0.06 ? null : formatPhone(p.mobile(), rnd.nextInt(4)));
        m.put("city", hanzi ? p.city().name() : p.city().latin());
        m.put("country", crmCountry(p.country(), hanzi));
        if (rnd.nextDouble() < 0.85) m.put("birthday", p.birthDate().toString());
        m.put("modified", ISO_Z.format(randomTime(LocalDateTime.of(2024, 1, 1, 0, 0), END).withSecond(0)));
        // the legacy opt-in flag roughly follows the real consent, and is missing for older contacts
        double r = rnd.nextDouble();
        int plan = marketingEmailPlan[p.id()];
        if (r < 0.8) m.put("email_opt_in", plan == ME_DENIED ? rnd.nextDouble() < 0.1 : rnd.nextDouble() < 0.85);
        return m;
    }

    static String crmCountry(String country, boolean hanzi) {
        double r = rnd.nextDouble();
        return switch (country) {
            case "CN" -> hanzi && r < 0.6 ? "中国" : r < 0.8 ? "CN" : "China";
            case "GB" -> r < 0.5 ? "United Kingdom" : r < 0.8 ? "GB" : "UK";
            default -> r < 0.5 ? "USA" : r < 0.75 ? "US" : "United States";
        };
    }

    /** The same person entered a second time: one or two of upper-case e-mail, other phone format, name typo. */
    static Map<String, Object> crmDuplicate(Person p, Map<String, Object> original) {
        Map<String, Object> m = new LinkedHashMap<>(original);
        m.put("modified", ISO_Z.format(randomTime(LocalDateTime.of(2024, 1, 1, 0, 0), END).withSecond(0)));
        List<Integer> changes = shuffledIndices(3);
        for (int c : changes.subList(0, rnd.nextDouble() < 0.4 ? 2 : 1)) {
            switch (c) {
                case 0 -> m.put("email", p.email().toUpperCase(Locale.ROOT));
                case 1 -> m.put("mobile", otherFormat(p.mobile(), (String) original.get("mobile")));
                default -> {
                    String first = (String) m.get("first_name");
                    if (isHanzi(first)) m.put("first_name", hanziTypo(first, p));
                    else if (rnd.nextBoolean()) m.put("first_name", latinTypo(first));
                    else m.put("last_name", latinTypo((String) m.get("last_name")));
                }
            }
        }
        if (m.get("email") == null && m.get("mobile") == null) m.put("mobile", otherFormat(p.mobile(), null));
        return m;
    }

    static String brokenEmail(String email, int i) {
        String local = email.substring(0, email.indexOf('@')), domain = email.substring(email.indexOf('@') + 1);
        return switch (i % 3) {
            case 0 -> local + "@@example";
            case 1 -> local + "." + domain;       // no at sign
            default -> local + "@";
        };
    }

    static boolean isHanzi(String s) { return s != null && !s.isEmpty() && s.codePointAt(0) >= 0x2E80; }

    static String hanziTypo(String given, Person p) {
        for (int i = 0; i < given.length(); i++) {
            String alt = HOMOPHONES.get(given.substring(i, i + 1));
            if (alt != null) return given.substring(0, i) + alt + given.substring(i + 1);
        }
        return p.givenLatin();   // no homophone at hand: typed in pinyin instead
    }

    static String latinTypo(String s) {
        if (s.length() < 3) return s + s.charAt(s.length() - 1);
        int i = 1 + rnd.nextInt(s.length() - 2);
        return switch (rnd.nextInt(3)) {
            case 0 -> s.substring(0, i) + s.charAt(i + 1) + s.charAt(i) + s.substring(i + 2);   // swapped letters
            case 1 -> s.substring(0, i) + s.substring(i + 1);                                   // missing letter
            default -> s.substring(0, i) + s.charAt(i) + s.substring(i);                        // doubled letter
        };
    }

    // ------------------------------------------------------------------ 2. ERP
    record Customer(String no, Person p, String currency) {}

    static void writeErp(Path file, List<Person> crmPeople, List<Person> notInCrm) throws IOException {
        List<Person> people = new ArrayList<>(shuffledCopy(crmPeople).subList(0, ERP_FROM_CRM));
        people.addAll(shuffledCopy(notInCrm).subList(0, ERP_ONLY));
        Collections.shuffle(people, rnd);
        // a few people registered a second time later, so their duplicate has a higher customer number
        List<Person> again = shuffledCopy(people).subList(0, ERP_DUPLICATES);
        List<Person> all = new ArrayList<>(people);
        all.addAll(again);

        List<Customer> customers = new ArrayList<>();
        List<String> customerRows = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Person p = all.get(i);
            Customer c = new Customer("K" + (100001 + i), p, switch (p.country()) {
                case "CN" -> "CNY"; case "GB" -> "GBP"; default -> "USD"; });
            customers.add(c);
            customerRows.add(erpCustomerRow(c, i >= people.size()));
            truth("erp", c.no(), person(p));
        }
        summary.put("erp/erp.sql customers", all.size() + " customers of " + people.size() + " people ("
            + ERP_FROM_CRM + " also in the CRM); duplicates " + ERP_DUPLICATES);
        List<String> orderRows = makeOrders(customers);

        StringBuilder sql = new StringBuilder();
        sql.append("-- segment-hub quickstart sample: the ERP database (made-up data).\n")
           .append("-- Generated by samples/generator/GenerateSamples.java (seed ").append(SEED).append("); do not edit by hand.\n")
           .append("-- Runs on H2 2.x, PostgreSQL and MariaDB: only CREATE TABLE and INSERT.\n\n")
           .append("CREATE TABLE customers (\n    customer_no VARCHAR(20) PRIMARY KEY,\n    first_name VARCHAR(100),\n")
           .append("    last_name VARCHAR(100),\n    email VARCHAR(200),\n    phone VARCHAR(40),\n    street VARCHAR(200),\n")
           .append("    postcode VARCHAR(20),\n    city VARCHAR(100),\n    country_code VARCHAR(3),\n    date_of_birth DATE,\n")
           .append("    updated_at TIMESTAMP NOT NULL\n);\n\n")
           .append("CREATE TABLE orders (\n    order_no VARCHAR(20) PRIMARY KEY,\n    customer_no VARCHAR(20) NOT NULL,\n")
           .append("    order_date DATE NOT NULL,\n    amount DECIMAL(12,2) NOT NULL,\n    currency CHAR(3) NOT NULL,\n")
           .append("    updated_at TIMESTAMP NOT NULL\n);\n");
        appendInserts(sql, "customers (customer_no, first_name, last_name, email, phone, street, postcode, city, "
            + "country_code, date_of_birth, updated_at)", customerRows);
        appendInserts(sql, "orders (order_no, customer_no, order_date, amount, currency, updated_at)", orderRows);
        writeFile(file, sql.toString());
    }

    static String erpCustomerRow(Customer c, boolean duplicate) {
        Person p = c.p();
        boolean pinyin = p.chinese() && rnd.nextDouble() < 0.4;   // the web shop feeds the ERP in Latin letters
        String first = p.chinese() && !pinyin ? p.given() : p.givenLatin();
        String last = p.chinese() && !pinyin ? p.family() : p.familyLatin();
        if (pinyin && rnd.nextDouble() < 0.15) last = last.toUpperCase(Locale.ROOT);      // passport style
        String email;
        double r = rnd.nextDouble();
        if (duplicate) email = r < 0.5 ? null : caseVariant(p.email());
        else if (r < 0.20) email = null;
        else if (r < 0.28) email = ascii(p.familyLatin()) + "." + ascii(p.givenLatin()) + (100 + rnd.nextInt(900)) + "@example.net";
        else if (r < 0.36) email = caseVariant(p.email());
        else email = p.email();
        String phone = !duplicate && rnd.nextDouble() < 0.05 ? null : plainDigits(p.mobile());
        String city = p.chinese() && !pinyin ? p.city().name() : p.city().latin();
        String country = rnd.nextDouble() < 0.6 ? p.country() : switch (p.country()) {
            case "CN" -> "CHN"; case "GB" -> "GBR"; default -> "USA"; };
        LocalDate dob = rnd.nextDouble() < 0.7 ? p.birthDate() : null;
        LocalDateTime updated = randomTime(LocalDateTime.of(duplicate ? 2026 : 2024, 1, 1, 0, 0), END);
        saw(Sys.ERP, p, email, phone);
        return "(" + String.join(", ", sql(c.no()), sql(first), sql(last), sql(email), sql(phone), sql(p.street()),
            sql(p.postcode()), sql(city), sql(country), dob == null ? "NULL" : "DATE '" + dob + "'",
            "TIMESTAMP '" + SQL_TS.format(updated) + "'") + ")";
    }

    /** A few heavy buyers, many one-time buyers, and some regulars who stopped buying during 2025. */
    static List<String> makeOrders(List<Customer> customers) {
        record Order(LocalDate date, String customerNo, String currency, int seq) {}
        List<Customer> buyers = shuffledCopy(customers).subList(0, ERP_BUYERS);
        int span = (int) ChronoUnit.DAYS.between(ORDERS_FROM, ORDERS_TO);
        List<Order> orders = new ArrayList<>();
        int heavy = 24, regular = 240, occasional = 200, churned = 0, seq = 0;
        for (int i = 0; i < buyers.size(); i++) {
            int n;
            LocalDate from, to = ORDERS_TO;
            if (i < heavy) { n = 35 + rnd.nextInt(46); from = ORDERS_FROM.plusDays(rnd.nextInt(120)); }
            else if (i < heavy + regular) { n = 5 + rnd.nextInt(9); from = ORDERS_FROM.plusDays(rnd.nextInt(400)); }
            else if (i < heavy + regular + occasional) { n = 2 + rnd.nextInt(3); from = ORDERS_FROM.plusDays(rnd.nextInt(700)); }
            else { n = 1; from = to = ORDERS_FROM.plusDays(rnd.nextInt(span + 1)); }
            if (n > 1 && rnd.nextDouble() < 0.2) {                       // stopped buying in 2025
                to = LocalDate.of(2025, 2, 1).plusDays(rnd.nextInt(300));
                long room = ChronoUnit.DAYS.between(ORDERS_FROM, to) - 60;
                if (!from.isBefore(to.minusDays(60))) from = ORDERS_FROM.plusDays(rnd.nextInt((int) room));
                churned++;
            }
            int days = (int) ChronoUnit.DAYS.between(from, to);
            for (int j = 0; j < n; j++) {
                orders.add(new Order(from.plusDays(rnd.nextInt(days + 1)), buyers.get(i).no(), buyers.get(i).currency(), seq++));
            }
        }
        orders.sort(Comparator.comparing(Order::date).thenComparing(Order::customerNo).thenComparingInt(Order::seq));
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            Order o = orders.get(i);
            LocalDateTime placed = o.date().atTime(rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60));
            LocalDateTime updated = placed.plusMinutes(rnd.nextInt(72 * 60));   // shipping status updates
            if (updated.isAfter(END)) updated = END;
            rows.add("(" + String.join(", ", sql(String.format(Locale.ROOT, "SO%07d", 1000001 + i)), sql(o.customerNo()),
                "DATE '" + o.date() + "'", amount(o.currency()), sql(o.currency()), "TIMESTAMP '" + SQL_TS.format(updated) + "'") + ")");
        }
        summary.put("erp/erp.sql orders", orders.size() + " orders by " + buyers.size() + " customers ("
            + heavy + " heavy buyers, " + (buyers.size() - heavy - regular - occasional) + " one-time buyers, "
            + churned + " stopped buying in 2025)");
        return rows;
    }

    static String amount(String currency) {
        double median = switch (currency) { case "CNY" -> 380; case "GBP" -> 55; default -> 65; };
        double v = Math.max(15, Math.min(2000, median * StrictMath.exp(rnd.nextGaussian() * 0.85)));
        long cents = Math.round(v * 100);
        if (rnd.nextBoolean() && cents >= 1600) cents = cents / 100 * 100 - 1;   // shop prices end in .99
        return String.format(Locale.ROOT, "%d.%02d", cents / 100, cents % 100);
    }

    static void appendInserts(StringBuilder sql, String table, List<String> rows) {
        for (int i = 0; i < rows.size(); i += 200) {
            sql.append("\nINSERT INTO ").append(table).append(" VALUES\n");
            sql.append(String.join(",\n", rows.subList(i, Math.min(rows.size(), i + 200)))).append(";\n");
        }
    }

    static String sql(String s) { return s == null ? "NULL" : "'" + s.replace("'", "''") + "'"; }

    // ------------------------------------------------------------------ 3. web analytics
    static void writeWeb(Path file, List<Person> pool) throws IOException {
        record Event(LocalDateTime ts, String userId, String email, String type, boolean analytics, boolean marketing) {}
        // logged-in visitors are mostly shop customers who are already in the CRM or ERP
        List<Person> known = new ArrayList<>();
        for (Person p : shuffledCopy(pool)) {
            boolean inBackOffice = seen[Sys.CRM.ordinal()][p.id()] + seen[Sys.ERP.ordinal()][p.id()] > 0;
            if (known.size() < WEB_KNOWN && (inBackOffice || rnd.nextDouble() < 0.3)) known.add(p);
        }
        List<Person> visitors = new ArrayList<>(known);
        for (int i = 0; i < WEB_ANONYMOUS; i++) visitors.add(null);
        Collections.shuffle(visitors, rnd);
        Set<Integer> noAnalytics = new HashSet<>(shuffledIndices(visitors.size()).subList(0, WEB_NO_ANALYTICS));

        List<Event> events = new ArrayList<>();
        for (int v = 0; v < visitors.size(); v++) {
            Person p = visitors.get(v);
            String userId = String.format(Locale.ROOT, "U-%04d", v + 1);
            boolean analytics = !noAnalytics.contains(v);
            if (p != null && !analytics) webAnalyticsOff[p.id()] = true;
            boolean marketing = p != null ? marketingEmailPlan[p.id()] == ME_GRANTED : rnd.nextDouble() < 0.35;
            int n = (int) Math.max(1, Math.min(40, Math.round(4.2 * StrictMath.exp(rnd.nextGaussian() * 0.85))));
            int login = p == null ? Integer.MAX_VALUE : rnd.nextInt(Math.min(n, 3));
            LocalDateTime t = randomTime(LocalDateTime.of(2026, 5, 1, 0, 0), LocalDateTime.of(2026, 10, 20, 0, 0));
            boolean signedUp = false;
            for (int i = 0; i < n && !t.isAfter(END); i++) {
                String type;
                double r = rnd.nextDouble();
                if (i == 0) type = "page_view";
                else if (i == login && !signedUp && r < 0.3) { type = "signup"; signedUp = true; }
                else if (r < 0.62) type = "page_view";
                else if (r < 0.80) type = "add_to_cart";
                else if (r < 0.88) type = "purchase";
                else type = p == null ? "page_view" : "newsletter_open";
                String email = i == login || (i > login && rnd.nextDouble() < 0.85) ? p.email() : null;
                events.add(new Event(t, userId, email, type, analytics, marketing));
                // next click a few seconds/minutes later, or a new visit days later
                t = rnd.nextDouble() < 0.3 ? t.plusHours(6 + rnd.nextInt(24 * 14)).plusSeconds(rnd.nextInt(3600))
                                           : t.plusSeconds(5 + rnd.nextInt(300));
            }
            if (p != null) saw(Sys.WEB, p, p.email(), null);
            truth("web", userId, p == null ? "A" + (v + 1) : person(p));
        }
        events.sort(Comparator.comparing(Event::ts).thenComparing(Event::userId));

        List<String> lines = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            Map<String, Object> consent = new LinkedHashMap<>();
            consent.put("analytics", e.analytics());
            consent.put("marketing_email", e.marketing());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event_id", String.format(Locale.ROOT, "E-%06d", i + 1));
            m.put("user_id", e.userId());
            m.put("email", e.email());
            m.put("type", e.type());
            m.put("ts", ISO_Z.format(e.ts()));
            m.put("consent", consent);
            lines.add(json(m));
        }
        // faults: two lines cut off mid-object (never a line that carries an e-mail), one without event_id
        List<Integer> order = shuffledIndices(events.size());
        int faults = 0;
        for (int i : order) {
            if (faults == 3) break;
            if (events.get(i).email() != null) continue;
            String line = lines.get(i);
            lines.set(i, faults < 2 ? line.substring(0, line.length() * 3 / 5) : line.replaceFirst("\"event_id\":\"E-\\d+\",", ""));
            faults++;
        }
        for (int i = 0; i < events.size(); i++) if (!events.get(i).analytics() && lines.get(i).endsWith("}}")) dropped++;
        writeFile(file, String.join("\n", lines) + "\n");
        summary.put("web/events.jsonl", lines.size() + " lines from " + visitors.size() + " visitors (" + known.size()
            + " logged in, " + WEB_ANONYMOUS + " anonymous); " + WEB_NO_ANALYTICS + " visitors with analytics=false ("
            + dropped + " events for the consent gate to drop); malformed 2 truncated lines + 1 without event_id");
    }

    // ------------------------------------------------------------------ 4. social platform
    static void writeSocial(Path file, List<Person> pool) throws IOException {
        record Profile(Person p, Map<String, Object> m) {}
        List<Profile> profiles = new ArrayList<>();
        int taken = 0;
        for (Person p : shuffledCopy(pool)) {
            if (taken == SOCIAL_KNOWN) break;
            boolean canEmail = emailShown[p.id()], canPhone = phoneShown[p.id()];
            if (!canEmail && !canPhone) continue;   // must be linkable to some other system
            boolean email, phone;
            double r = rnd.nextDouble();
            if (canEmail && canPhone) { email = r < 0.65; phone = r >= 0.4; }
            else if (canEmail) { email = true; phone = r < 0.3; }
            else { email = false; phone = true; }
            profiles.add(new Profile(p, socialProfile(p, email, phone)));
            taken++;
        }
        for (int i = 0; i < SOCIAL_STRANGERS; i++) {   // fans who never bought anything
            double r = rnd.nextDouble();
            Person s = makePerson(0, r < 0.55 ? "CN" : r < 0.8 ? "GB" : "US");
            profiles.add(new Profile(null, socialProfile(s, rnd.nextDouble() < 0.55, rnd.nextDouble() < 0.25)));
        }
        Collections.shuffle(profiles, rnd);
        List<Map<String, Object>> objects = new ArrayList<>();
        int strangers = 0;
        for (Profile pr : profiles) {
            objects.add(pr.m());
            if (pr.p() != null) saw(Sys.SOCIAL, pr.p(), (String) pr.m().get("email"), (String) pr.m().get("phone"));
            truth("social", (String) pr.m().get("handle"), pr.p() == null ? "S" + (++strangers) : person(pr.p()));
        }
        writeFile(file, prettyArray(objects));
        summary.put("social/profiles.json", profiles.size() + " profiles (" + taken + " of pool people, "
            + SOCIAL_STRANGERS + " strangers)");
    }

    static Map<String, Object> socialProfile(Person p, boolean withEmail, boolean withPhone) {
        String g = ascii(p.givenLatin()), f = ascii(p.familyLatin());
        String handle;
        do {
            handle = "@" + switch (rnd.nextInt(4)) {
                case 0 -> f + g + (10 + rnd.nextInt(90));
                case 1 -> g + "_" + f;
                case 2 -> p.chinese() ? "xiao" + g + (p.birthDate().getYear() % 100) : g + "." + f + rnd.nextInt(100);
                default -> p.chinese() ? g + f.charAt(0) + rnd.nextInt(1000) : "the_" + g + f.charAt(0);
            };
        } while (!usedHandles.add(handle));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("handle", handle);
        m.put("display_name", displayName(p));
        if (withEmail) m.put("email", rnd.nextDouble() < 0.1 ? caseVariant(p.email()) : p.email());
        if (withPhone) m.put("phone", rnd.nextBoolean() ? p.mobile() : formatPhone(p.mobile(), rnd.nextInt(4)));
        int followers = (int) Math.min(2_000_000, Math.round(250 * StrictMath.exp(rnd.nextGaussian() * 1.5)));
        int likes = (int) Math.round(followers * (0.05 + 0.5 * rnd.nextDouble())) + rnd.nextInt(20);
        m.put("followers", followers);
        m.put("likes", likes);
        m.put("comments", (int) Math.round(likes * (0.02 + 0.15 * rnd.nextDouble())));
        m.put("updated", ISO_Z.format(randomTime(LocalDateTime.of(2025, 6, 1, 0, 0), END)));
        return m;
    }

    static String displayName(Person p) {
        double r = rnd.nextDouble();
        if (p.chinese()) {
            String lastChar = p.given().substring(p.given().length() - 1);
            if (r < 0.40) return p.family() + p.given();
            if (r < 0.75) return p.familyLatin() + " " + p.givenLatin();
            if (r < 0.85) return p.givenLatin() + " " + p.familyLatin();
            return pick(new String[]{"小" + lastChar, "阿" + lastChar, "🌸 " + p.family() + p.given(),
                p.givenLatin() + p.givenLatin().toLowerCase(Locale.ROOT), "Vivian " + p.familyLatin()});
        }
        if (r < 0.60) return p.givenLatin() + " " + p.familyLatin();
        if (r < 0.75) return p.givenLatin() + " " + p.familyLatin().charAt(0) + ".";
        return pick(new String[]{p.givenLatin() + " ✈️", ascii(p.givenLatin()) + "_runs", ascii(p.givenLatin()) + " bakes",
            "☕ " + p.givenLatin(), p.givenLatin().substring(0, Math.min(3, p.givenLatin().length()))});
    }

    // ------------------------------------------------------------------ 5. consent events
    static void writeConsent(Path file, List<Person> pool) throws IOException {
        record Row(String email, String phone, String purpose, String status, LocalDateTime at, String source, String evidence) {}
        List<Row> rows = new ArrayList<>();
        int people = 0, withdrawals = 0, smsDenied = 0, phoneOnly = 0;
        for (Person p : shuffledCopy(pool)) {
            if (people == CONSENT_PEOPLE) break;
            if (!emailShown[p.id()] && !phoneShown[p.id()]) continue;
            people++;
            LocalDateTime t = randomTime(LocalDateTime.of(2024, 7, 1, 0, 0), LocalDateTime.of(2026, 9, 30, 0, 0));
            String email = rnd.nextDouble() < 0.05 ? caseVariant(p.email()) : p.email();
            int plan = marketingEmailPlan[p.id()];
            rows.add(new Row(email, "", "marketing_email", plan == ME_DENIED ? "denied" : "granted", t, "web_form", formEvidence(t)));
            if (plan == ME_WITHDRAWN) {
                LocalDateTime w = t.plusDays(7 + rnd.nextInt(400)).plusMinutes(rnd.nextInt(1440));
                if (w.isAfter(END)) w = END.minusMinutes(rnd.nextInt(60 * 24 * 20));
                boolean viaCmp = rnd.nextDouble() < 0.3;
                rows.add(new Row(email, "", "marketing_email", "withdrawn", w, viaCmp ? "cmp" : "web_form",
                    viaCmp ? "cmp:preference-center" : "form:unsubscribe-link"));
                withdrawals++;
            }
            double r = rnd.nextDouble();
            if (r < 0.45) {   // the SMS box on the same form; SMS keyword opt-ins only know the phone
                boolean byPhoneOnly = rnd.nextDouble() < 0.08;
                rows.add(new Row(byPhoneOnly ? "" : email, p.mobile(), "marketing_sms", r < 0.05 ? "denied" : "granted",
                    t.plusSeconds(1), "web_form", byPhoneOnly ? "sms:keyword-JOIN" : formEvidence(t)));
                if (r < 0.05) smsDenied++;
                if (byPhoneOnly) phoneOnly++;
            }
            boolean analyticsOff = webAnalyticsOff[p.id()];
            if (analyticsOff || rnd.nextDouble() < 0.55) {   // the cookie banner, shown before the form
                rows.add(new Row(email, "", "analytics", !analyticsOff && rnd.nextDouble() < 0.85 ? "granted" : "denied",
                    t.minusSeconds(30 + rnd.nextInt(600)), "cmp", cmpEvidence()));
            }
            if (rnd.nextDouble() < 0.35) {
                rows.add(new Row(email, "", "profiling", rnd.nextDouble() < 0.7 ? "granted" : "denied",
                    t.minusSeconds(10 + rnd.nextInt(30)), "cmp", cmpEvidence()));
            }
            saw(Sys.CONSENT, p, p.email(), p.mobile());
        }
        rows.sort(Comparator.comparing(Row::at).thenComparing(Row::email).thenComparing(Row::purpose));
        // RFC 4180: CRLF line ends, fields with comma/quote/line break in double quotes
        StringBuilder csv = new StringBuilder("email,phone,purpose,status,occurred_at,source,evidence\r\n");
        int quoted = 0;
        for (Row r : rows) {
            if (r.evidence().contains(",") || r.evidence().contains("\"")) quoted++;
            csv.append(String.join(",", csvField(r.email()), csvField(r.phone()), r.purpose(), r.status(),
                ISO_Z.format(r.at()), r.source(), csvField(r.evidence()))).append("\r\n");
        }
        writeFile(file, csv.toString());
        summary.put("consent/consent_events.csv", rows.size() + " rows for " + people + " people; marketing_email withdrawals "
            + withdrawals + ", marketing_sms denials " + smsDenied + ", phone-only rows " + phoneOnly
            + ", rows with a quoted field " + quoted);
    }

    static String formEvidence(LocalDateTime t) {
        double r = rnd.nextDouble();
        if (r < 0.03) return "form:promo \"Golden Week, " + t.getYear() + "\"";   // needs quoting in CSV
        return "form:" + (r < 0.6 ? "newsletter" : r < 0.85 ? "checkout" : "signup") + "-" + t.getYear();
    }

    static String cmpEvidence() {
        if (rnd.nextDouble() < 0.1) return "cmp:banner-v3,lang=" + (rnd.nextBoolean() ? "zh-CN" : "en-GB");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder tc = new StringBuilder("tcf:CQ");
        for (int i = 0; i < 28; i++) tc.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        return tc.toString();
    }

    static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) return "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }

    // ------------------------------------------------------------------ ground truth
    static String person(Person p) { return String.format(Locale.ROOT, "P%04d", p.id()); }

    static void truth(String system, String recordId, String person) { truth.add(system + "," + csvField(recordId) + "," + person); }

    static void writeTruth(Path file) throws IOException {
        List<String> rows = new ArrayList<>(truth);
        Collections.sort(rows);
        writeFile(file, "system,record_id,person\n" + String.join("\n", rows) + "\n");
        summary.put("truth/identity.csv", rows.size() + " source records labelled with the person they belong to");
    }

    // ------------------------------------------------------------------ summary
    static void saw(Sys sys, Person p, String email, String phone) {
        if (p == null || p.id() == 0) return;
        seen[sys.ordinal()][p.id()]++;
        if (email != null && email.equalsIgnoreCase(p.email())) emailShown[p.id()] = true;
        if (phone != null && samePhone(phone, p.mobile())) phoneShown[p.id()] = true;
    }

    static void printSummary(Path out) {
        System.out.println("segment-hub sample data, seed " + SEED + ", written to " + out);
        summary.forEach((k, v) -> System.out.println("  " + k + ": " + v));
        Sys[] systems = Sys.values();
        System.out.println("  same person in two records (ground truth; web = one record per logged-in visitor,"
            + " consent = one per person, malformed CRM objects left out):");
        for (Sys s : new Sys[]{Sys.CRM, Sys.ERP}) {
            long pairs = 0;
            for (int id = 1; id <= POOL_SIZE; id++) pairs += (long) seen[s.ordinal()][id] * (seen[s.ordinal()][id] - 1) / 2;
            System.out.println("    within " + s + ": " + pairs);
        }
        long total = 0;
        for (int a = 0; a < systems.length; a++) {
            for (int b = a + 1; b < systems.length; b++) {
                long pairs = 0;
                for (int id = 1; id <= POOL_SIZE; id++) pairs += (long) seen[a][id] * seen[b][id];
                System.out.println("    " + systems[a] + "-" + systems[b] + ": " + pairs);
                total += pairs;
            }
        }
        int multi = 0, nowhere = 0;
        for (int id = 1; id <= POOL_SIZE; id++) {
            int in = 0;
            for (Sys s : systems) if (seen[s.ordinal()][id] > 0) in++;
            if (in >= 2) multi++;
            if (in == 0) nowhere++;
        }
        System.out.println("    across systems, total: " + total + " pairs; people in 2+ systems: " + multi
            + ", in none: " + nowhere);
    }

    // ------------------------------------------------------------------ phones
    static String nsn(String e164) { return e164.startsWith("+1") ? e164.substring(2) : e164.substring(3); }

    static boolean samePhone(String raw, String e164) {
        String d = raw.replaceAll("\\D", ""), n = nsn(e164);
        return d.endsWith(n) && d.length() <= n.length() + 2;
    }

    /** Four ways people and systems write the same number. */
    static String formatPhone(String e164, int style) {
        String n = nsn(e164);
        if (e164.startsWith("+86")) {
            String a = n.substring(0, 3), b = n.substring(3, 7), c = n.substring(7);
            return switch (style) { case 0 -> "+86 " + a + "-" + b + "-" + c; case 1 -> n; case 2 -> e164; default -> a + " " + b + " " + c; };
        }
        if (e164.startsWith("+44")) {
            int cut = n.startsWith("20") ? 2 : 3;   // London 20 xxxx xxxx, elsewhere 1x1 xxx xxxx
            String area = n.substring(0, cut), rest = cut == 2 ? n.substring(2, 6) + " " + n.substring(6) : n.substring(3, 6) + " " + n.substring(6);
            return switch (style) { case 0 -> "+44 " + area + " " + rest; case 1 -> "0" + area + " " + rest; case 2 -> e164; default -> "+44 (0)" + area + " " + rest; };
        }
        String a = n.substring(0, 3), b = n.substring(3, 6), c = n.substring(6);
        return switch (style) { case 0 -> "(" + a + ") " + b + "-" + c; case 1 -> "+1 " + a + "-" + b + "-" + c; case 2 -> a + "." + b + "." + c; default -> e164; };
    }

    static String otherFormat(String e164, String current) {
        String f;
        do { f = formatPhone(e164, rnd.nextInt(4)); } while (f.equals(current));
        return f;
    }

    /** The ERP keeps digits only, with or without the country code. */
    static String plainDigits(String e164) {
        String n = nsn(e164);
        boolean withCountry = rnd.nextDouble() < 0.3;
        return switch (e164.substring(0, 3)) {
            case "+86" -> withCountry ? "86" + n : n;
            case "+44" -> withCountry ? "44" + n : "0" + n;
            default -> withCountry ? "1" + n : n;
        };
    }

    // ------------------------------------------------------------------ small helpers
    static String caseVariant(String email) {
        if (rnd.nextBoolean()) return email.toUpperCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(email);   // Title.Case@Example.cn
        for (int i = 0; i < b.length(); i++) {
            if (i == 0 || ".@_".indexOf(b.charAt(i - 1)) >= 0) b.setCharAt(i, Character.toUpperCase(b.charAt(i)));
        }
        return b.toString();
    }

    static String ascii(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
            .toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    }

    static String digits(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append((char) ('0' + rnd.nextInt(10)));
        return b.toString();
    }

    static <T> T pick(T[] items) { return items[rnd.nextInt(items.length)]; }

    /** Index skewed towards the start of a list: common surnames and big cities come first. */
    static int skewed(int n) { double r = rnd.nextDouble(); return (int) (n * r * r); }

    static LocalDateTime randomTime(LocalDateTime from, LocalDateTime to) {
        long seconds = ChronoUnit.SECONDS.between(from, to);
        return from.plusSeconds((long) (rnd.nextDouble() * seconds));
    }

    static List<Integer> shuffledIndices(int n) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) list.add(i);
        Collections.shuffle(list, rnd);
        return list;
    }

    static <T> List<T> shuffledCopy(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, rnd);
        return copy;
    }

    // ------------------------------------------------------------------ JSON (just enough, no library)
    static String json(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return jsonString(s);
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            m.forEach((k, val) -> b.append(b.length() > 1 ? "," : "").append(jsonString((String) k)).append(':').append(json(val)));
            return b.append('}').toString();
        }
        return v.toString();   // Boolean, Integer
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> { if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c)); else b.append(c); }
            }
        }
        return b.append('"').toString();
    }

    /** An array of flat objects, one key per line. */
    static String prettyArray(List<Map<String, Object>> objects) {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < objects.size(); i++) {
            b.append("  {\n");
            List<String> fields = new ArrayList<>();
            objects.get(i).forEach((k, v) -> fields.add("    " + jsonString(k) + ": " + json(v)));
            b.append(String.join(",\n", fields)).append("\n  }").append(i + 1 < objects.size() ? "," : "").append('\n');
        }
        return b.append("]\n").toString();
    }

    static void writeFile(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
