package io.segmenthub.profile.matching;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Common English given-name variants. Two names are variants when they belong to one group; a
 * diminutive shared by two formal names (Chris: Christopher, Christine) joins both groups.
 */
final class Nicknames {

    private static final List<String> GROUPS = List.of(
            "robert rob bob bobby robbie bert",
            "william will bill billy willie liam",
            "richard rick ricky dick rich richie",
            "james jim jimmy jamie",
            "john jack johnny jon",
            "jonathan jon jonny nathan",
            "joseph joe joey jo",
            "michael mike mikey mick mickey",
            "thomas tom tommy",
            "charles charlie chuck chas",
            "christopher chris kit topher",
            "christine chris chrissy tina christina kristina",
            "daniel dan danny",
            "david dave davey",
            "edward ed eddie ted teddy ned",
            "henry harry hank",
            "anthony tony",
            "andrew andy drew",
            "alexander alex alec sandy xander",
            "alexandra alex alexa sandra sandy lexie",
            "benjamin ben benny benji",
            "samuel sam sammy",
            "samantha sam sammy",
            "matthew matt matty",
            "nicholas nick nicky",
            "patrick pat paddy",
            "patricia pat patty tricia trish",
            "peter pete",
            "stephen steve stevie",
            "steven steve stevie",
            "timothy tim timmy",
            "zachary zach zack",
            "gregory greg",
            "jeffrey jeff",
            "kenneth ken kenny",
            "lawrence larry",
            "leonard leo len lenny",
            "raymond ray",
            "ronald ron ronnie",
            "donald don donnie",
            "douglas doug",
            "frederick fred freddie",
            "gerald gerry jerry",
            "albert al bert",
            "alfred alf alfie",
            "elizabeth liz lizzie beth betty bess eliza lisa",
            "margaret maggie meg peggy marge madge",
            "katherine kate katie kathy kat kit",
            "catherine cate cathy kate katie",
            "jennifer jen jenny",
            "jessica jess jessie",
            "rebecca becky becca",
            "susan sue susie",
            "deborah debbie deb",
            "victoria vicky tori",
            "abigail abby",
            "jacqueline jackie",
            "josephine jo josie",
            "dorothy dot dolly",
            "barbara barb babs",
            "kimberly kim",
            "pamela pam",
            "theodore theo ted teddy",
            "isabella bella izzy isabel",
            "isabelle bella izzy",
            "eleanor ellie nell",
            "gabriel gabe",
            "frances fran frankie",
            "francis frank frankie",
            "mary molly polly mae",
            "ann anne annie nancy",
            "harold harry hal",
            "walter walt wally");

    private static final Map<String, Set<Integer>> GROUP_OF = new HashMap<>();

    static {
        for (int g = 0; g < GROUPS.size(); g++) {
            for (String name : GROUPS.get(g).split(" ")) {
                GROUP_OF.computeIfAbsent(name, k -> new HashSet<>()).add(g);
            }
        }
    }

    private Nicknames() {
    }

    static boolean variants(String a, String b) {
        Set<Integer> ga = GROUP_OF.get(a);
        Set<Integer> gb = GROUP_OF.get(b);
        if (ga == null || gb == null) {
            return false;
        }
        for (Integer g : ga) {
            if (gb.contains(g)) {
                return true;
            }
        }
        return false;
    }
}
