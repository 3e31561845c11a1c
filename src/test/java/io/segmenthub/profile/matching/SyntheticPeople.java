package io.segmenthub.profile.matching;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Made-up customer records with known truth, deterministic by seed: people entered one to several
 * times across systems, with the noise real customer data has — typos, nicknames (Robert/Bob),
 * given and family name swapped, day and month transposed or a digit off in the birth date, phones
 * written in several formats, missing e-mails and phones, e-mails at another domain, people who
 * moved, and households whose members share an address and a landline but not a name or a birth
 * date. About a fifth of the people have Chinese names, written in Han characters in some records
 * and in pinyin in others.
 *
 * <p>{@link #forEach} streams {@link Person} records in the raw shape a source system would hold
 * them (formatted phones, mixed case), one person's records together, so a caller can write them to
 * files or tables without keeping them in memory; {@link #generate} returns them as
 * {@link MatchRecord}s normalised the way the hub's cleaning stage would, with the truth.
 */
public final class SyntheticPeople {

    /**
     * One source record of a made-up person. Optional values are empty when the source lacks them.
     *
     * @param id       unique over the generated set
     * @param personId the same for every record of one person (the ground truth)
     * @param phone    as typed in the source, e.g. {@code (020) 7946 0123} or {@code +44 20 7946 0123}
     * @param birthDate ISO {@code yyyy-MM-dd}, possibly damaged (transposed, a digit off)
     */
    public record Person(String id, String personId, String givenName, String familyName, Optional<String> birthDate,
                         Optional<String> email, Optional<String> phone, String street, String postcode, String city,
                         boolean chineseName) {
    }

    /** Records ready for the matcher and their truth (record id → person id). */
    public record Generated(List<MatchRecord> records, Map<String, String> personOf) {
    }

    private static final String[] GIVEN = ("robert william richard james john jonathan joseph michael thomas charles "
            + "christopher christine daniel david edward henry anthony andrew alexander alexandra benjamin samuel "
            + "samantha matthew nicholas patrick patricia peter stephen steven timothy zachary gregory jeffrey kenneth "
            + "lawrence leonard raymond ronald donald douglas frederick gerald albert alfred elizabeth margaret "
            + "katherine catherine jennifer jessica rebecca susan deborah victoria abigail jacqueline josephine dorothy "
            + "barbara kimberly pamela theodore isabella eleanor gabriel frances francis mary ann harold walter "
            + "olivia emma sophia amelia grace chloe lucy ella mia ruby oliver george harry jack noah leo oscar "
            + "arthur archie freddie isaac lucas ethan mason logan hannah laura sarah emily megan rachel claire "
            + "fiona helen irene julia karen linda nora paula rita sandra tessa ursula vera wendy yvonne zoe aaron "
            + "brian colin derek eric felix gavin ivan jason keith liam martin neil owen philip quentin roger simon "
            + "trevor victor wayne").split(" ");
    private static final String[] NICKNAME = ("rob bob bill will rick dick jim jimmy jack johnny jon joe mike mick "
            + "tom tommy charlie chuck chris kit chrissy tina dan danny dave ed ted harry hank tony andy drew alex "
            + "sandra lexie ben benny sam sammy matt nick pat patty pete steve tim zach greg jeff ken larry len ray "
            + "ron don doug fred gerry al alf liz beth betty maggie peggy kate katie cathy jen jenny jess becky sue "
            + "debbie vicky abby jackie josie dot barb kim pam theo bella ellie gabe fran frank molly annie hal walt")
            .split(" ");
    private static final String[] FAMILY = ("smith jones williams taylor brown davies evans wilson thomas johnson "
            + "roberts robinson thompson wright walker white edwards hughes green hall lewis harris clarke patel "
            + "jackson wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan allen "
            + "james scott phillips watson davis parker price bennett young griffiths mitchell kelly cook carter "
            + "richardson bailey collins bell shaw murphy miller cox richards khan marshall anderson simpson ellis "
            + "adams singh begum wilkinson foster chapman powell webb rogers gray mason ali hunt hussain campbell "
            + "matthews owen palmer holmes mills barnes knight lloyd butler russell barker fisher stevens jenkins "
            + "murray dixon harvey graham pearson ahmed fletcher walsh kaur gibson howard andrews stewart elliott "
            + "reynolds saunders payne fox ford pearce day brooks west lawrence cole atkinson bradley spencer "
            + "gill dawson ball burton obrien watts rose booth perry ryan grant wells armstrong francis rees "
            + "hayes hart hudson newman barrett webster hunter gregory carr lowe page marsh riley dunn woods "
            + "kowalski novak moreau dubois rossi ferrari garcia martinez fernandez lopez schmidt schneider "
            + "muller weber fischer meyer wagner becker hoffmann nowak wojcik kaminski lewandowski yilmaz kaya "
            + "demir sahin ivanov petrov smirnov kuznetsov popov sokolov nguyen tran pham hoang kim park choi").split(" ");
    /** Chinese family names with pinyin, the commonest first. */
    private static final String[][] HAN_FAMILY = {{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"},
            {"陈", "chen"}, {"杨", "yang"}, {"黄", "huang"}, {"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"},
            {"徐", "xu"}, {"孙", "sun"}, {"马", "ma"}, {"朱", "zhu"}, {"胡", "hu"}, {"郭", "guo"}, {"何", "he"},
            {"高", "gao"}, {"林", "lin"}, {"罗", "luo"}, {"郑", "zheng"}, {"梁", "liang"}, {"谢", "xie"},
            {"宋", "song"}, {"唐", "tang"}, {"许", "xu"}, {"韩", "han"}, {"冯", "feng"}, {"邓", "deng"},
            {"曹", "cao"}, {"彭", "peng"}, {"曾", "zeng"}, {"肖", "xiao"}, {"田", "tian"}, {"董", "dong"},
            {"袁", "yuan"}, {"潘", "pan"}, {"于", "yu"}, {"蒋", "jiang"}, {"蔡", "cai"}};
    /** Characters of Chinese given names with pinyin; a given name is one or two of them. */
    private static final String[][] HAN_GIVEN = {{"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"},
            {"静", "jing"}, {"丽", "li"}, {"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"洋", "yang"},
            {"勇", "yong"}, {"艳", "yan"}, {"杰", "jie"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"},
            {"秀", "xiu"}, {"霞", "xia"}, {"平", "ping"}, {"刚", "gang"}, {"桂", "gui"}, {"英", "ying"},
            {"华", "hua"}, {"玉", "yu"}, {"兰", "lan"}, {"萍", "ping"}, {"红", "hong"}, {"建", "jian"},
            {"国", "guo"}, {"文", "wen"}, {"辉", "hui"}, {"鹏", "peng"}, {"斌", "bin"}, {"宇", "yu"},
            {"浩", "hao"}, {"凯", "kai"}, {"晓", "xiao"}, {"晨", "chen"}, {"欣", "xin"}, {"怡", "yi"},
            {"嘉", "jia"}, {"子", "zi"}, {"梓", "zi"}, {"涵", "han"}, {"雨", "yu"}, {"思", "si"}, {"博", "bo"},
            {"志", "zhi"}, {"海", "hai"}, {"春", "chun"}};
    private static final String[] STREET = ("high station church park victoria green manor mill school queens "
            + "kings new grange north south west east london albert york springfield windsor chester richmond "
            + "orchard meadow willow oak elm cedar beech ash maple birch holly ivy rose lime poplar hawthorn "
            + "heather clover primrose lavender bridge castle abbey market river lake forest hill valley").split(" ");
    private static final String[] STREET_KIND = {"road", "street", "lane", "avenue", "close", "drive", "way", "gardens"};
    private static final String[] CITY = ("london birmingham manchester leeds glasgow sheffield bradford liverpool "
            + "edinburgh bristol cardiff leicester coventry nottingham newcastle belfast brighton hull plymouth "
            + "stoke wolverhampton derby swansea southampton salford aberdeen westminster portsmouth york "
            + "peterborough dundee lancaster oxford newport preston cambridge norwich chester exeter bath").split(" ");
    private static final String[] DOMAIN = {"gmail.com", "outlook.com", "yahoo.co.uk", "hotmail.com", "icloud.com",
            "btinternet.com", "qq.com", "163.com"};
    private static final Map<String, List<String>> NICKNAMES_OF = nicknames();
    /** Cumulative weights 1/rank^0.7: a few names are common (the commonest about 5 %), most are rare. */
    private static final double[] GIVEN_RANKS = ranks(GIVEN.length);
    private static final double[] FAMILY_RANKS = ranks(FAMILY.length);
    private static final double[] HAN_FAMILY_RANKS = ranks(HAN_FAMILY.length);

    private final long seed;

    public SyntheticPeople(long seed) {
        this.seed = seed;
    }

    /**
     * Calls {@code sink} with {@code count} records, a person's records one after another. The same
     * seed and count give the same records. About 60 % of people have one record, the rest two to
     * six; about a quarter live in a household with others (shared address and landline).
     */
    public void forEach(int count, Consumer<Person> sink) {
        SplittableRandom random = new SplittableRandom(seed);
        int emitted = 0;
        int person = 0;
        Household household = null;
        // an address or a mobile number belongs to one person: the second Robert Smith gets robert.smith2
        Set<String> mailboxes = new HashSet<>();
        Set<String> mobiles = new HashSet<>();
        while (emitted < count) {
            if (household == null || household.members >= household.size || random.nextInt(4) != 0) {
                household = newHousehold(random);
            }
            household.members++;
            Identity identity = identity(random, household, person, mailboxes, mobiles);
            int copies = Math.min(count - emitted, copies(random));
            for (int c = 0; c < copies; c++) {
                sink.accept(record(random, identity, "r" + emitted, c == 0));
                emitted++;
            }
            person++;
        }
    }

    /** {@code count} records normalised for matching (lower case, phone digits in international form), with the truth. */
    public Generated generate(int count) {
        List<MatchRecord> records = new ArrayList<>(count);
        Map<String, String> personOf = new HashMap<>(count * 2);
        forEach(count, p -> {
            records.add(toMatchRecord(p));
            personOf.put(p.id(), p.personId());
        });
        return new Generated(records, personOf);
    }

    /** The record as the cleaning stage hands it to the matcher: lower-case text, phones as E.164 digits. */
    public static MatchRecord toMatchRecord(Person p) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("given_name", p.givenName().toLowerCase(Locale.ROOT));
        fields.put("family_name", p.familyName().toLowerCase(Locale.ROOT));
        p.birthDate().ifPresent(d -> fields.put("birth_date", d));
        p.email().ifPresent(e -> fields.put("email", e.toLowerCase(Locale.ROOT)));
        p.phone().ifPresent(ph -> fields.put("phone", e164(ph)));
        fields.put("street", p.street().toLowerCase(Locale.ROOT));
        fields.put("postcode", p.postcode().toLowerCase(Locale.ROOT).replace(" ", ""));
        fields.put("city", p.city().toLowerCase(Locale.ROOT));
        return new MatchRecord(p.id(), fields);
    }

    /** UK numbers: national {@code 0…} or international {@code +44 …}/{@code 0044 …} to {@code +44…}. */
    static String e164(String typed) {
        String digits = Similarity.digits(typed);
        if (digits.startsWith("0044")) {
            digits = digits.substring(4);
        } else if (digits.startsWith("44") && typed.strip().startsWith("+")) {
            digits = digits.substring(2);
        } else if (digits.startsWith("0")) {
            digits = digits.substring(1);
        }
        return "+44" + digits;
    }

    /**
     * Blocking and comparisons for these records, the same shape as the hub's own
     * ({@code ProbabilisticLinks}): identifiers, birth date with phonetic names, names in pinyin; a
     * household guard keeps apart records that differ in both given name and birth date.
     */
    public static MatchSettings settings() {
        return MatchSettings.of(
                List.of(
                        BlockingRule.exact("email"),
                        BlockingRule.exact("phone"),
                        BlockingRule.on("birth date + family name metaphone",
                                BlockingKeys.exact("birth_date"), BlockingKeys.doubleMetaphone("family_name")),
                        BlockingRule.on("birth date + given name metaphone",
                                BlockingKeys.exact("birth_date"), BlockingKeys.doubleMetaphone("given_name")),
                        BlockingRule.on("name in pinyin + birth year",
                                BlockingKeys.pinyinName("given_name", "family_name"), BlockingKeys.year("birth_date")),
                        BlockingRule.on("given + family name metaphone + postcode",
                                BlockingKeys.doubleMetaphone("given_name"), BlockingKeys.doubleMetaphone("family_name"),
                                BlockingKeys.exact("postcode"))),
                List.of(
                        Comparisons.name("given_name", "family_name"),
                        Comparisons.name("family_name", "given_name"),
                        Comparisons.date("birth_date"),
                        Comparisons.email("email"),
                        Comparisons.identifier("phone"),
                        Comparisons.text("street"),
                        Comparisons.identifier("postcode"),
                        Comparisons.text("city")))
                .withGuard("given_name", "birth_date");
    }

    private static final class Household {
        String familyName;
        String hanFamily;
        String[] address;
        String landline;
        int size;
        int members;
        /** Given names already in the household: parents rarely give a child a name already in the family. */
        final Set<String> givenNames = new HashSet<>();
    }

    private record Identity(String personId, boolean chinese, String given, String family, String hanGiven,
                            String hanFamily, String birthDate, String mobile, String landline, String mailbox,
                            String domain, String[] address, String[] movedTo) {
    }

    private Household newHousehold(SplittableRandom random) {
        Household h = new Household();
        boolean chinese = random.nextInt(5) == 0;
        if (chinese) {
            String[] f = HAN_FAMILY[zipf(random, HAN_FAMILY_RANKS)];
            h.hanFamily = f[0];
            h.familyName = f[1];
        } else {
            h.familyName = FAMILY[zipf(random, FAMILY_RANKS)];
        }
        h.address = address(random);
        h.landline = random.nextInt(3) == 0 ? null : landline(random);
        h.size = 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(4) : 0);
        return h;
    }

    private Identity identity(SplittableRandom random, Household h, int person, Set<String> mailboxes, Set<String> mobiles) {
        boolean chinese = h.hanFamily != null;
        // a household member usually shares the family name; a partner may not
        boolean sameFamily = h.members == 1 || random.nextInt(10) < 7;
        String given;
        String hanGiven = null;
        String family = h.familyName;
        String hanFamily = h.hanFamily;
        if (chinese) {
            String[] first = HAN_GIVEN[random.nextInt(HAN_GIVEN.length)];
            hanGiven = first[0];
            given = first[1];
            if (random.nextInt(3) != 0) {
                String[] second = HAN_GIVEN[random.nextInt(HAN_GIVEN.length)];
                hanGiven += second[0];
                given += second[1];
            }
            if (!sameFamily) {
                String[] f = HAN_FAMILY[zipf(random, HAN_FAMILY_RANKS)];
                hanFamily = f[0];
                family = f[1];
            }
        } else {
            given = GIVEN[zipf(random, GIVEN_RANKS)];
            for (int retry = 0; retry < 10 && h.givenNames.contains(given); retry++) {
                given = GIVEN[zipf(random, GIVEN_RANKS)];
            }
            h.givenNames.add(given);
            if (!sameFamily) {
                family = FAMILY[zipf(random, FAMILY_RANKS)];
            }
        }
        String birthDate = String.format(Locale.ROOT, "%04d-%02d-%02d", 1940 + random.nextInt(66),
                1 + random.nextInt(12), 1 + random.nextInt(28));
        String mobile = "07" + digits(random, 9);
        while (!mobiles.add(mobile)) {
            mobile = "07" + digits(random, 9);
        }
        String wanted = switch (random.nextInt(4)) {
            case 0 -> given + "." + family;
            case 1 -> given.charAt(0) + family + random.nextInt(100);
            case 2 -> given + family.charAt(0) + (1900 + random.nextInt(100) + random.nextInt(10));
            default -> family + "_" + given + random.nextInt(1000);
        };
        String mailbox = wanted;
        for (int n = 2; !mailboxes.add(mailbox); n++) {
            mailbox = wanted + n;
        }
        String domain = DOMAIN[random.nextInt(DOMAIN.length)];
        String[] moved = random.nextInt(10) == 0 ? address(random) : null;
        return new Identity("p" + person, chinese, given, family, hanGiven, hanFamily, birthDate, mobile, h.landline,
                mailbox, domain, h.address, moved);
    }

    private static int copies(SplittableRandom random) {
        int roll = random.nextInt(100);
        if (roll < 60) {
            return 1;
        }
        if (roll < 82) {
            return 2;
        }
        if (roll < 92) {
            return 3;
        }
        return 4 + random.nextInt(3);
    }

    /** The first record of a person is clean; later ones carry noise, each kind independently. */
    private Person record(SplittableRandom random, Identity who, String id, boolean first) {
        String given = who.given();
        String family = who.family();
        boolean han = who.chinese() && random.nextBoolean();
        if (han) {
            given = who.hanGiven();
            family = who.hanFamily();
        }
        String birthDate = who.birthDate();
        String mailbox = who.mailbox();
        String domain = who.domain();
        boolean hasEmail = random.nextInt(10) < 7;
        boolean hasPhone = random.nextInt(10) < 8;
        String phone = who.landline() != null && random.nextInt(3) == 0 ? who.landline() : who.mobile();
        String[] address = who.address();
        if (!first) {
            if (!han && !who.chinese()) {
                List<String> nicknames = NICKNAMES_OF.getOrDefault(given, List.of());
                if (!nicknames.isEmpty() && random.nextInt(100) < 20) {
                    given = nicknames.get(random.nextInt(nicknames.size()));
                }
            }
            if (!han && random.nextInt(100) < 12) {
                given = typo(random, given);
            }
            if (!han && random.nextInt(100) < 12) {
                family = typo(random, family);
            }
            if (random.nextInt(100) < 4) {
                String t = given;
                given = family;
                family = t;
            }
            int dateNoise = random.nextInt(100);
            if (dateNoise < 5) {
                birthDate = birthDate.substring(0, 5) + birthDate.substring(8) + "-" + birthDate.substring(5, 7);
                if (Integer.parseInt(birthDate.substring(5, 7)) > 12) {
                    birthDate = who.birthDate(); // a day over 12 cannot pass as a month
                }
            } else if (dateNoise < 10) {
                birthDate = dateTypo(random, birthDate);
            } else if (dateNoise < 16) {
                birthDate = null;
            }
            if (random.nextInt(100) < 10) {
                domain = DOMAIN[random.nextInt(DOMAIN.length)];
            }
            if (random.nextInt(100) < 5) {
                mailbox = typo(random, mailbox);
            }
            if (who.movedTo() != null && random.nextBoolean()) {
                address = who.movedTo();
            }
            if (random.nextInt(100) < 5) {
                address = new String[]{address[0], typo(random, address[1]), address[2]};
            }
        }
        return new Person(id, who.personId(), capitalise(given), capitalise(family), Optional.ofNullable(birthDate),
                hasEmail ? Optional.of(mailbox + "@" + domain) : Optional.empty(),
                hasPhone ? Optional.of(format(random, phone)) : Optional.empty(),
                address[0], address[1], address[2], who.chinese());
    }

    private static String[] address(SplittableRandom random) {
        String street = (1 + random.nextInt(250)) + " " + STREET[random.nextInt(STREET.length)] + " "
                + STREET_KIND[random.nextInt(STREET_KIND.length)];
        String postcode = (char) ('A' + random.nextInt(26)) + "" + (char) ('A' + random.nextInt(26))
                + (1 + random.nextInt(30)) + " " + random.nextInt(10) + (char) ('A' + random.nextInt(26))
                + (char) ('A' + random.nextInt(26));
        return new String[]{street, postcode, CITY[random.nextInt(CITY.length)]};
    }

    private static String landline(SplittableRandom random) {
        return "01" + digits(random, 9);
    }

    /** The same number as people type it: national, international, with spaces, dashes or brackets. */
    private static String format(SplittableRandom random, String national) {
        String rest = national.substring(1);
        return switch (random.nextInt(5)) {
            case 0 -> national;
            case 1 -> "+44 " + rest.substring(0, 4) + " " + rest.substring(4);
            case 2 -> "(" + national.substring(0, 5) + ") " + national.substring(5);
            case 3 -> "0044-" + rest;
            default -> national.substring(0, 5) + " " + national.substring(5, 8) + " " + national.substring(8);
        };
    }

    private static String digits(SplittableRandom random, int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append((char) ('0' + random.nextInt(10)));
        }
        return out.toString();
    }

    /** One keyboard slip: a letter changed, dropped, doubled, or two neighbours swapped. */
    static String typo(SplittableRandom random, String word) {
        if (word.length() < 3) {
            return word;
        }
        int at = 1 + random.nextInt(word.length() - 2);
        char c = word.charAt(at);
        return switch (random.nextInt(4)) {
            case 0 -> word.substring(0, at) + (char) ('a' + random.nextInt(26)) + word.substring(at + 1);
            case 1 -> word.substring(0, at) + word.substring(at + 1);
            case 2 -> word.substring(0, at) + c + word.substring(at);
            default -> word.substring(0, at) + word.charAt(at + 1) + c + word.substring(at + 2);
        };
    }

    /** One digit of the month or day changed, keeping a valid date. */
    private static String dateTypo(SplittableRandom random, String date) {
        int day = Integer.parseInt(date.substring(8));
        int other = 1 + random.nextInt(28);
        return other == day ? date : date.substring(0, 8) + String.format(Locale.ROOT, "%02d", other)
                .charAt(0) + date.charAt(9);
    }

    private static String capitalise(String name) {
        return name.isEmpty() || name.charAt(0) > 127 ? name
                : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static double[] ranks(int n) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.pow(i + 1, -0.7);
            cumulative[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
        return cumulative;
    }

    /** An index drawn with the weights {@link #ranks} describes. */
    private static int zipf(SplittableRandom random, double[] cumulative) {
        int at = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(at >= 0 ? at : -at - 1, cumulative.length - 1);
    }

    private static Map<String, List<String>> nicknames() {
        Map<String, List<String>> of = new HashMap<>();
        for (String formal : GIVEN) {
            List<String> variants = new ArrayList<>();
            for (String nick : NICKNAME) {
                if (!nick.equals(formal) && Nicknames.variants(formal, nick)) {
                    variants.add(nick);
                }
            }
            of.put(formal, List.copyOf(variants));
        }
        return of;
    }
}
