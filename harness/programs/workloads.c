/*
 * workloads.c: writes the real-program workloads (see workloads.h): a
 * shell script per program and the inputs they share, a text file, a C
 * program and an SQL script, all generated from fixed seeds.
 *
 * What each exercises in its program's allocator:
 *   python  json encode/decode, regular expressions, Counter/defaultdict
 *           over generated records: many small objects, dict resizes
 *   perl    word and bigram counts of the text: hashes of short strings
 *   sqlite  inserts one statement at a time, an index, GROUP BY and a join
 *   git     init, a series of commits, log --stat, gc: many processes,
 *           zlib streams, pack building
 *   gcc     cc1 at -O2 on a generated program, then the program and the
 *           disassembly: large short-lived IR
 *   xz      -T2 in blocks: two threads, large buffers
 *   zstd    -T2: two threads, large buffers
 *
 * The scripts set their own PATH (Debian's /usr/bin and /bin only, so a
 * version manager's shim cannot put itself in between) and their own
 * environment for git (no user configuration, fixed names and dates).
 */
#include "workloads.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const fbw_workload fbw_workloads[] = {
    {"python", "python3", "python3: json, re and collections over generated records"},
    {"perl", "perl", "perl: word and bigram frequencies of a text file"},
    {"sqlite", "sqlite3", "sqlite3: inserts, an index, GROUP BY and a join"},
    {"git", "git", "git: init, commits, log --stat, gc on a small repository"},
    {"gcc", "gcc", "gcc -O2 on a generated C program, its disassembly and output"},
    {"xz", "xz", "xz -T2 compressing the text in blocks, and back"},
    {"zstd", "zstd", "zstd -T2 compressing the text, and back"},
};
const size_t fbw_nworkloads = sizeof fbw_workloads / sizeof fbw_workloads[0];

typedef struct fbw_scale {
    unsigned text_lines;  /* text.txt */
    unsigned records;     /* python */
    unsigned perl_lines;  /* perl reads this much of text.txt */
    unsigned rows;        /* sqlite */
    unsigned commits;     /* git */
    unsigned functions;   /* gcc */
    unsigned xz_block_kb; /* xz */
    unsigned zstd_level;  /* zstd */
} fbw_scale;

static const fbw_scale fbw_scales[] = {
    [FBW_TEST] = {6000, 3000, 6000, 4000, 5, 40, 128, 9},
    [FBW_BENCH] = {40000, 40000, 10000, 150000, 6, 200, 512, 17},
};

/* ----------------------------------------------------------- helpers */

typedef struct fbw_out {
    FILE *f;
    char *err;
    size_t errlen;
    const char *path;
} fbw_out;

static int fbw_fail(char *err, size_t errlen, const char *path, const char *what) {
    snprintf(err, errlen, "%s: %s: %s", path, what, strerror(errno));
    return -1;
}

static int fbw_open(fbw_out *o, const char *dir, const char *name, char *pathbuf, size_t len) {
    int n = snprintf(pathbuf, len, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= len) {
        snprintf(o->err, o->errlen, "%s/%s: path too long", dir, name);
        return -1;
    }
    o->path = pathbuf;
    o->f = fopen(pathbuf, "w");
    return o->f ? 0 : fbw_fail(o->err, o->errlen, pathbuf, "cannot create");
}

static int fbw_close(fbw_out *o) {
    int bad = ferror(o->f);
    if (fclose(o->f) != 0 || bad)
        return fbw_fail(o->err, o->errlen, o->path, "write failed");
    return 0;
}

/* splitmix64: the same stream on every machine. */
static uint64_t fbw_next(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static unsigned fbw_below(uint64_t *s, unsigned n) { return (unsigned)(fbw_next(s) % n); }

/* ------------------------------------------------------------- inputs */

/* Words made of syllables with a skewed choice, so the text has a
 * vocabulary with a long tail and compresses like prose. */
static void fbw_word(FILE *f, uint64_t *s) {
    static const char *const syl[] = {"ka", "lo",  "ren", "ta",  "mi", "sor", "ve",
                                      "nu", "pa",  "dri", "el",  "on", "qua", "st",
                                      "i",  "bel", "gra", "tho", "um", "ze"};
    unsigned n = 1 + fbw_below(s, 3) + (fbw_below(s, 4) == 0);
    for (unsigned i = 0; i < n; i++) {
        unsigned a = fbw_below(s, 20), b = fbw_below(s, 20);
        fputs(syl[a < b ? a : b], f);
    }
}

static void fbw_text(FILE *f, unsigned lines) {
    uint64_t s = 42;
    for (unsigned l = 0; l < lines; l++) {
        unsigned words = 4 + fbw_below(&s, 12);
        for (unsigned w = 0; w < words; w++) {
            if (w)
                fputc(' ', f);
            if (fbw_below(&s, 9) == 0)
                fputc('A' + (int)fbw_below(&s, 26), f);
            fbw_word(f, &s);
            if (fbw_below(&s, 17) == 0)
                fprintf(f, " %u", fbw_below(&s, 10000));
        }
        fputs(fbw_below(&s, 5) ? ".\n" : ",\n", f);
    }
}

/* A program with many small functions that -O2 has work to do on: loops,
 * switches, a table; main prints a checksum of all of them. */
static void fbw_cprog(FILE *f, unsigned nfun) {
    uint64_t s = 7;
    fputs("#include <stdio.h>\n\nstatic const unsigned table[64] = {", f);
    for (int i = 0; i < 64; i++)
        fprintf(f, "%s%uu", i ? ", " : "", (unsigned)(fbw_next(&s) & 0xffffff));
    fputs("};\n\nstruct acc { unsigned lo, hi; double mean; };\n\n", f);
    for (unsigned i = 0; i < nfun; i++) {
        fprintf(f,
                "static unsigned f%u(unsigned x, struct acc *a) {\n"
                "    unsigned s = %uu;\n"
                "    for (unsigned i = 0; i < (x & 15u) + %uu; i++) {\n"
                "        switch ((s ^ i) & 3u) {\n"
                "        case 0: s = s * 33u + i; break;\n"
                "        case 1: s ^= s >> %u; break;\n"
                "        case 2: s += table[(i + %uu) & 63u]; break;\n"
                "        default: s = (s << 3) | (s >> 29);\n"
                "        }\n"
                "        if (s < a->lo) a->lo = s;\n"
                "        if (s > a->hi) a->hi = s;\n"
                "        a->mean = a->mean * 0.%u + (double)(s & 1023u) * 0.%u;\n"
                "    }\n"
                "    return s;\n"
                "}\n\n",
                i, (unsigned)(fbw_next(&s) & 0xffff), 3 + fbw_below(&s, 20), 1 + fbw_below(&s, 15),
                fbw_below(&s, 64), 5 + fbw_below(&s, 4), 1 + fbw_below(&s, 4));
    }
    fputs("int main(void) {\n    struct acc a = {~0u, 0, 0.0};\n    unsigned sum = 0;\n", f);
    for (unsigned i = 0; i < nfun; i++)
        fprintf(f, "    sum += f%u(sum + %uu, &a);\n", i, i);
    fputs("    printf(\"%u %u %u %.3f\\n\", sum, a.lo, a.hi, a.mean);\n    return 0;\n}\n", f);
}

static void fbw_sql(FILE *f, unsigned rows) {
    uint64_t s = 99;
    fputs("PRAGMA journal_mode = OFF;\n"
          "CREATE TABLE item(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, price REAL);\n"
          "CREATE TABLE grp(id INTEGER PRIMARY KEY, label TEXT);\n"
          "BEGIN;\n",
          f);
    for (unsigned g = 0; g < 97; g++)
        fprintf(f, "INSERT INTO grp VALUES(%u, 'group-%02u');\n", g, g);
    for (unsigned i = 0; i < rows; i++) {
        fprintf(f, "INSERT INTO item(grp, name, price) VALUES(%u, '", fbw_below(&s, 97));
        fbw_word(f, &s);
        fprintf(f, "-%u', %u.%02u);\n", fbw_below(&s, 1000), fbw_below(&s, 500),
                fbw_below(&s, 100));
    }
    fputs("COMMIT;\n"
          "CREATE INDEX item_grp ON item(grp);\n"
          "SELECT grp, count(*), printf('%.2f', sum(price)), min(name), max(name)\n"
          "  FROM item GROUP BY grp ORDER BY grp;\n"
          "SELECT g.label, count(*) AS n FROM item i JOIN grp g ON g.id = i.grp\n"
          "  WHERE i.price > 250 GROUP BY g.label ORDER BY n DESC, g.label LIMIT 10;\n"
          "SELECT count(DISTINCT name), printf('%.2f', avg(length(name))) FROM item;\n",
          f);
}

/* ------------------------------------------------------------ scripts */

static const char fbw_prologue[] = "#!/bin/sh\n"
                                   "# Written by fitbench (harness/programs/workloads.c).\n"
                                   "set -e\n"
                                   "PATH=/usr/bin:/bin\n"
                                   "export PATH\n"
                                   "LC_ALL=C\n"
                                   "export LC_ALL\n"
                                   "W='%s'\n";

/* A temporary folder, removed however the script ends. */
static const char fbw_tmp[] = "T=$(mktemp -d)\n"
                              "trap 'rm -rf \"$T\"' EXIT\n";

static const char fbw_python_py[] =
    "import collections, hashlib, json, random, re, sys\n"
    "n = int(sys.argv[1])\n"
    "rng = random.Random(12345)\n"
    "letters = 'abcdefghijklmnopqrstuvwxyz'\n"
    "words = [''.join(rng.choice(letters) for _ in range(rng.randint(2, 9)))\n"
    "         for _ in range(3000)]\n"
    "records = [{'id': i,\n"
    "            'name': rng.choice(words) + ' ' + rng.choice(words),\n"
    "            'tags': rng.sample(words, rng.randint(1, 6)),\n"
    "            'score': round(rng.random() * 100, 3),\n"
    "            'email': '%s%d@%s.example' % (rng.choice(words), i, rng.choice(words))}\n"
    "           for i in range(n)]\n"
    "text = json.dumps(records, sort_keys=True)\n"
    "back = json.loads(text)\n"
    "tags = collections.Counter(t for r in back for t in r['tags'])\n"
    "pat = re.compile(r'([a-z]+)(\\d+)@([a-z]+)\\.example')\n"
    "domains = collections.defaultdict(list)\n"
    "for r in back:\n"
    "    m = pat.fullmatch(r['email'])\n"
    "    domains[m.group(3)].append(int(m.group(2)))\n"
    "first = collections.Counter(r['name'].split()[0][:2] for r in back)\n"
    "for w, c in tags.most_common(15):\n"
    "    print(w, c)\n"
    "for k in sorted(domains)[:10]:\n"
    "    print(k, len(domains[k]), sum(domains[k]))\n"
    "print(len(domains), sum(len(v) for v in domains.values()), len(first))\n"
    "print(round(sum(r['score'] for r in back), 3))\n"
    "print(hashlib.sha256(text.encode()).hexdigest())\n";

static const char fbw_perl_pl[] =
    "use strict;\n"
    "use warnings;\n"
    "my (%freq, %bigram, %len);\n"
    "my ($lines, $chars) = (0, 0);\n"
    "my $max = $ARGV[1];\n"
    "open(my $fh, '<', $ARGV[0]) or die \"$ARGV[0]: $!\";\n"
    "while ($lines < $max and defined(my $line = <$fh>)) {\n"
    "    $lines++;\n"
    "    $chars += length $line;\n"
    "    my @w = map { lc } ($line =~ /([A-Za-z]+)/g);\n"
    "    $freq{$_}++ for @w;\n"
    "    $len{length $_}++ for @w;\n"
    "    $bigram{\"$w[$_] $w[$_ + 1]\"}++ for 0 .. $#w - 1;\n"
    "}\n"
    "close $fh;\n"
    "my @top = sort { $freq{$b} <=> $freq{$a} || $a cmp $b } keys %freq;\n"
    "print \"$_ $freq{$_}\\n\" for @top[0 .. 14];\n"
    "my @bi = sort { $bigram{$b} <=> $bigram{$a} || $a cmp $b }\n"
    "    grep { $bigram{$_} > 3 } keys %bigram;\n"
    "print \"$_ $bigram{$_}\\n\" for @bi[0 .. 9];\n"
    "print join(' ', map { \"$_:$len{$_}\" } sort { $a <=> $b } keys %len), \"\\n\";\n"
    "printf \"lines %d chars %d words %d bigrams %d\\n\", $lines, $chars,\n"
    "    scalar(keys %freq), scalar(keys %bigram);\n";

static int fbw_script_write(const char *dir, const char *name, char *err, size_t errlen,
                            const char *body_fmt, ...) __attribute__((format(printf, 5, 6)));
static int fbw_script_write(const char *dir, const char *name, char *err, size_t errlen,
                            const char *body_fmt, ...) {
    char path[4096], file[64];
    snprintf(file, sizeof file, "run-%s.sh", name);
    fbw_out o = {.err = err, .errlen = errlen};
    if (fbw_open(&o, dir, file, path, sizeof path) != 0)
        return -1;
    fprintf(o.f, fbw_prologue, dir);
    va_list ap;
    va_start(ap, body_fmt);
    vfprintf(o.f, body_fmt, ap);
    va_end(ap);
    return fbw_close(&o);
}

static int fbw_scripts(const char *dir, const fbw_scale *sc, char *err, size_t errlen) {
    if (fbw_script_write(dir, "python", err, errlen, "python3 \"$W/work.py\" %u\n", sc->records))
        return -1;
    if (fbw_script_write(dir, "perl", err, errlen, "perl \"$W/work.pl\" \"$W/text.txt\" %u\n",
                         sc->perl_lines))
        return -1;
    if (fbw_script_write(dir, "sqlite", err, errlen, "sqlite3 :memory: <\"$W/work.sql\"\n"))
        return -1;
    if (fbw_script_write(
            dir, "git", err, errlen,
            "%s"
            "HOME=$T\n"
            "GIT_CONFIG_NOSYSTEM=1\n"
            "GIT_CONFIG_GLOBAL=/dev/null\n"
            "GIT_AUTHOR_NAME=fitbench GIT_AUTHOR_EMAIL=fitbench@example.org\n"
            "GIT_COMMITTER_NAME=fitbench GIT_COMMITTER_EMAIL=fitbench@example.org\n"
            "export HOME GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL GIT_AUTHOR_NAME\n"
            "export GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL\n"
            "git init -q -b main \"$T/repo\"\n"
            "cd \"$T/repo\"\n"
            "lines=$(wc -l <\"$W/text.txt\")\n"
            "step=$((lines / %u))\n"
            "c=1\n"
            "while [ $c -le %u ]; do\n"
            "    head -n $((c * step)) \"$W/text.txt\" >grow.txt\n"
            "    sed -n \"$((c * step / 2)),$((c * step))p\" \"$W/text.txt\" >middle.txt\n"
            "    tail -n $((c * step / 3 + 1)) \"$W/text.txt\" | sort >sorted.txt\n"
            "    mkdir -p \"part$((c %% 4))\"\n"
            "    sed -n \"$c~7p\" \"$W/text.txt\" >\"part$((c %% 4))/every7.txt\"\n"
            "    git add -A\n"
            "    GIT_AUTHOR_DATE=\"$((1700000000 + c * 3600)) +0000\" \\\n"
            "    GIT_COMMITTER_DATE=\"$((1700000000 + c * 3600)) +0000\" \\\n"
            "        git commit -q -m \"commit $c\"\n"
            "    c=$((c + 1))\n"
            "done\n"
            "git log --stat\n"
            "git diff --stat HEAD~3 HEAD\n"
            "git gc -q\n"
            "git count-objects -v | grep -v size\n"
            "git rev-parse HEAD 'HEAD^{tree}'\n"
            "git fsck --no-progress --full\n",
            fbw_tmp, sc->commits, sc->commits))
        return -1;
    if (fbw_script_write(dir, "gcc", err, errlen,
                         "%s"
                         "cd \"$T\"\n"
                         "cp \"$W/prog.c\" prog.c\n"
                         "gcc -O2 -c prog.c -o prog.o\n"
                         "objdump -d prog.o\n"
                         "gcc -O2 prog.o -o prog\n"
                         "./prog\n",
                         fbw_tmp))
        return -1;
    if (fbw_script_write(dir, "xz", err, errlen,
                         "%s"
                         "xz -T2 -6 --block-size=%uKiB -c \"$W/text.txt\" >\"$T/text.xz\"\n"
                         "sha256sum <\"$T/text.xz\"\n"
                         "xz -T2 -d -c \"$T/text.xz\" | cmp - \"$W/text.txt\"\n"
                         "echo round trip ok\n",
                         fbw_tmp, sc->xz_block_kb))
        return -1;
    if (fbw_script_write(dir, "zstd", err, errlen,
                         "%s"
                         "zstd -q -T2 -%u -c \"$W/text.txt\" >\"$T/text.zst\"\n"
                         "sha256sum <\"$T/text.zst\"\n"
                         "zstd -q -d -c \"$T/text.zst\" | cmp - \"$W/text.txt\"\n"
                         "echo round trip ok\n",
                         fbw_tmp, sc->zstd_level))
        return -1;
    return 0;
}

/* ------------------------------------------------------------- public */

int fbw_prepare(const char *dir, fbw_size size, char *err, size_t errlen) {
    const fbw_scale *sc = &fbw_scales[size == FBW_BENCH ? FBW_BENCH : FBW_TEST];
    char path[4096];
    if (strchr(dir, '\'') || strchr(dir, '\n')) {
        snprintf(err, errlen, "%s: the scripts cannot name a folder with a quote or a newline",
                 dir);
        return -1;
    }
    fbw_out o = {.err = err, .errlen = errlen};

    if (fbw_open(&o, dir, "text.txt", path, sizeof path) != 0)
        return -1;
    fbw_text(o.f, sc->text_lines);
    if (fbw_close(&o) != 0)
        return -1;
    if (fbw_open(&o, dir, "prog.c", path, sizeof path) != 0)
        return -1;
    fbw_cprog(o.f, sc->functions);
    if (fbw_close(&o) != 0)
        return -1;
    if (fbw_open(&o, dir, "work.sql", path, sizeof path) != 0)
        return -1;
    fbw_sql(o.f, sc->rows);
    if (fbw_close(&o) != 0)
        return -1;
    if (fbw_open(&o, dir, "work.py", path, sizeof path) != 0)
        return -1;
    fputs(fbw_python_py, o.f);
    if (fbw_close(&o) != 0)
        return -1;
    if (fbw_open(&o, dir, "work.pl", path, sizeof path) != 0)
        return -1;
    fputs(fbw_perl_pl, o.f);
    if (fbw_close(&o) != 0)
        return -1;
    return fbw_scripts(dir, sc, err, errlen);
}

const char *fbw_script(const char *dir, const fbw_workload *w, char *buf, size_t len) {
    int n = snprintf(buf, len, "%s/run-%s.sh", dir, w->name);
    return n > 0 && (size_t)n < len ? buf : NULL;
}
