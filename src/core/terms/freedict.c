/* dictd reader: index hash table keyed by matching form, dictzip random access, gloss choice.
 *
 * The index is parsed once at open into an array of entries and an open-addressing table of
 * key heads; entries sharing a key are chained in index order. Definitions are read on
 * demand: the dictzip chunk table locates the chunk holding a byte offset, the chunk is
 * inflated on its own (each was written after a full flush) and the last few are kept.
 * FreeDict lists an entry's senses alphabetically, so the gloss is not simply the first sense:
 * senses are ranked by a built-in table of common English words (news vocabulary first). */
#include "freedict.h"

#include "normalize.h"
#include "utf8.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define INDEX_MAX ((size_t)256 << 20) /* largest .index accepted */
#define ENTRY_READ_MAX 4096           /* bytes of a definition read: its first senses */
#define SENSES_MAX 24                 /* senses considered per key, over all its entries */
#define SENSE_MAX 64                  /* longest sense kept */
#define CHUNK_SLOTS 8                 /* inflated dictzip chunks kept */
#define NONE UINT32_MAX

struct entry {
    uint64_t off;     /* definition offset in the uncompressed .dict */
    uint32_t len;     /* definition length */
    uint32_t key_off; /* key in d->keys */
    uint32_t key_len;
    uint32_t next;        /* next entry with the same key, or NONE */
    uint32_t tail;        /* on a key's first entry: the last entry of its chain */
    unsigned char state;  /* on a key's first entry: GLOSS_* */
    unsigned char finals; /* on a key's first entry: TJ_FREEDICT_FINAL_* of all its entries */
    char *gloss;          /* on a key's first entry when state is GLOSS_FOUND */
};

enum { GLOSS_UNKNOWN, GLOSS_NONE, GLOSS_FOUND };

struct chunk_slot {
    uint32_t index; /* chunk number, or NONE when the slot is empty */
    uint32_t len;   /* bytes inflated */
    uint64_t used;  /* tick of last use, for eviction */
    unsigned char *data;
};

struct tj_freedict {
    struct entry *entries;
    size_t n_entries;
    char *keys;
    size_t keys_len;
    uint32_t *table; /* entry index of each key's first entry, or NONE */
    size_t table_mask;

    int fd;             /* the .dict or .dict.dz, or -1 */
    bool plain;         /* uncompressed .dict */
    uint64_t dict_size; /* uncompressed size */
    uint32_t chunk_len;
    uint32_t n_chunks;
    uint64_t *chunk_off; /* n_chunks + 1 file offsets of the compressed chunks */
    unsigned char *zbuf; /* one compressed chunk */
    z_stream zs;
    bool zs_ready;
    struct chunk_slot slots[CHUNK_SLOTS];
    uint64_t tick;

    pthread_mutex_t lock; /* guards glosses, chunk slots and zs */
};

/* ---- English words ------------------------------------------------------------------------ */

#define ENG_PROPER 0x10 /* a proper name: keeps its capital */
#define ENG_TIER(f) ((f)&0x0F)

/* Words an English reader of news meets most, sorted: tier 3 the core of news reports, tier 2
 * political, economic and geographic vocabulary, tier 1 general everyday words. A sense found
 * here beats one that is not, whatever the alphabetical order of the dictionary. */
static const struct eng_word {
    const char *word;
    unsigned char flags;
} eng_words[] = {
    /* clang-format off */
    {"a", 1}, {"about", 1}, {"above", 1}, {"accept", 2}, {"accord", 2}, {"accusation", 2},
    {"accuse", 2}, {"across", 1}, {"act", 1}, {"action", 1}, {"activity", 1}, {"actor", 1},
    {"actually", 1}, {"add", 3}, {"address", 1}, {"administration", 2}, {"admit", 1}, {"adopt", 2},
    {"adult", 1}, {"advertise", 1}, {"adviser", 2}, {"advisor", 2}, {"affect", 1},
    {"afghanistan", ENG_PROPER | 2}, {"afraid", 1}, {"africa", ENG_PROPER | 2},
    {"african", ENG_PROPER | 2}, {"after", 1}, {"afternoon", 1}, {"again", 1}, {"against", 1},
    {"age", 1}, {"agency", 2}, {"ago", 1}, {"agree", 2}, {"agreement", 3}, {"aid", 3}, {"air", 2},
    {"aircraft", 2}, {"airforce", 2}, {"airport", 2}, {"airstrike", 2}, {"albania", ENG_PROPER | 2},
    {"algeria", ENG_PROPER | 2}, {"algerian", ENG_PROPER | 2}, {"all", 1},
    {"allah", ENG_PROPER | 2}, {"alliance", 2}, {"allow", 1}, {"ally", 2}, {"almost", 1},
    {"alone", 1}, {"along", 1}, {"already", 1}, {"also", 1}, {"although", 1}, {"always", 1},
    {"ambassador", 3}, {"america", ENG_PROPER | 2}, {"american", ENG_PROPER | 2},
    {"amman", ENG_PROPER | 2}, {"among", 1}, {"amount", 1}, {"analyst", 2}, {"and", 1},
    {"anger", 1}, {"angry", 1}, {"animal", 1}, {"ankara", ENG_PROPER | 2}, {"anniversary", 2},
    {"announce", 3}, {"another", 1}, {"answer", 1}, {"any", 1}, {"anyone", 1}, {"anything", 1},
    {"appeal", 2}, {"appear", 1}, {"append", 1}, {"appended", 1}, {"apply", 1}, {"appoint", 2},
    {"approach", 1}, {"approve", 2}, {"april", ENG_PROPER | 2}, {"arab", ENG_PROPER | 2},
    {"arabia", ENG_PROPER | 2}, {"arabian", ENG_PROPER | 2}, {"arabic", ENG_PROPER | 2},
    {"area", 2}, {"argentina", ENG_PROPER | 2}, {"argue", 1}, {"argument", 1}, {"arm", 1},
    {"armenia", ENG_PROPER | 2}, {"army", 3}, {"around", 1}, {"arrest", 3}, {"arrive", 2},
    {"art", 1}, {"article", 1}, {"artillery", 2}, {"artist", 1}, {"as", 1},
    {"asia", ENG_PROPER | 2}, {"asian", ENG_PROPER | 2}, {"ask", 2}, {"assist", 2},
    {"assistant", 1}, {"associate", 1}, {"association", 2}, {"asylum", 2},
    {"atlantic", ENG_PROPER | 2}, {"attack", 3}, {"attention", 1}, {"audience", 1},
    {"august", ENG_PROPER | 2}, {"australia", ENG_PROPER | 2}, {"australian", ENG_PROPER | 2},
    {"austria", ENG_PROPER | 2}, {"author", 1}, {"authorities", 2}, {"authority", 2},
    {"available", 1}, {"avoid", 1}, {"away", 1}, {"baby", 1}, {"back", 1}, {"bad", 1}, {"bag", 1},
    {"baghdad", ENG_PROPER | 2}, {"bahrain", ENG_PROPER | 2}, {"ball", 1}, {"ballot", 2},
    {"bangladesh", ENG_PROPER | 2}, {"bank", 3}, {"base", 1}, {"basic", 1}, {"bath", 1},
    {"battle", 2}, {"beautiful", 1}, {"beauty", 1}, {"because", 1}, {"become", 1}, {"bed", 1},
    {"before", 1}, {"begin", 2}, {"behind", 1}, {"beijing", ENG_PROPER | 2},
    {"beirut", ENG_PROPER | 2}, {"belgium", ENG_PROPER | 2}, {"believe", 1}, {"benefit", 1},
    {"berlin", ENG_PROPER | 2}, {"best", 1}, {"better", 1}, {"between", 1}, {"beyond", 1},
    {"big", 3}, {"billion", 3}, {"bird", 1}, {"birth", 1}, {"bishop", 2}, {"black", 1}, {"bloc", 2},
    {"blood", 1}, {"blue", 1}, {"board", 1}, {"boat", 1}, {"body", 1}, {"bomb", 3}, {"book", 1},
    {"border", 3}, {"born", 1}, {"boss", 1}, {"both", 1}, {"box", 1}, {"boy", 1}, {"brain", 1},
    {"branch", 1}, {"brazil", ENG_PROPER | 2}, {"brazilian", ENG_PROPER | 2}, {"bread", 1},
    {"break", 1}, {"breakfast", 1}, {"bridge", 2}, {"bring", 1}, {"britain", ENG_PROPER | 2},
    {"british", ENG_PROPER | 2}, {"brother", 1}, {"brown", 1}, {"budget", 2}, {"build", 2},
    {"building", 2}, {"bulgaria", ENG_PROPER | 2}, {"bus", 1}, {"business", 1}, {"buy", 1},
    {"by", 1}, {"cabinet", 3}, {"cairo", ENG_PROPER | 2}, {"caliph", 2}, {"call", 2}, {"camera", 1},
    {"camp", 2}, {"campaign", 2}, {"canada", ENG_PROPER | 2}, {"canadian", ENG_PROPER | 2},
    {"cancel", 2}, {"candidate", 2}, {"capital", 3}, {"captain", 2}, {"car", 1}, {"card", 1},
    {"care", 1}, {"career", 1}, {"carry", 1}, {"case", 1}, {"casualty", 2}, {"cat", 1},
    {"catch", 1}, {"cause", 1}, {"ceasefire", 3}, {"celebration", 2}, {"cell", 1}, {"center", 2},
    {"central", 2}, {"centre", 2}, {"ceremony", 2}, {"certain", 1}, {"chad", ENG_PROPER | 2},
    {"chair", 1}, {"chairman", 2}, {"champion", 3}, {"championship", 3}, {"chance", 1},
    {"change", 1}, {"channel", 2}, {"character", 1}, {"charge", 2}, {"cheap", 1}, {"check", 1},
    {"chicken", 1}, {"chief", 2}, {"child", 1}, {"chile", ENG_PROPER | 2},
    {"china", ENG_PROPER | 2}, {"chinese", ENG_PROPER | 2}, {"choice", 1}, {"choose", 1},
    {"christian", ENG_PROPER | 2}, {"christianity", ENG_PROPER | 2}, {"church", 2}, {"circle", 1},
    {"citizen", 3}, {"city", 3}, {"clash", 2}, {"class", 1}, {"clean", 1}, {"clear", 1},
    {"cleric", 2}, {"clock", 1}, {"close", 2}, {"closing", 2}, {"cloth", 1}, {"clothes", 1},
    {"cloud", 1}, {"coalition", 2}, {"coast", 2}, {"coffee", 1}, {"cold", 1}, {"collect", 1},
    {"college", 1}, {"colombia", ENG_PROPER | 2}, {"colonel", 2}, {"color", 1}, {"colour", 1},
    {"come", 1}, {"commander", 2}, {"committee", 3}, {"common", 1}, {"community", 1},
    {"company", 3}, {"computer", 1}, {"concern", 2}, {"condemn", 2}, {"condemnation", 2},
    {"condition", 1}, {"conference", 3}, {"confirm", 3}, {"conflict", 3}, {"congratulate", 2},
    {"congratulation", 3}, {"consider", 1}, {"contain", 1}, {"continue", 2}, {"control", 1},
    {"cook", 1}, {"cool", 1}, {"cooperation", 3}, {"copy", 1}, {"corner", 1}, {"correspondent", 2},
    {"cost", 1}, {"could", 1}, {"council", 3}, {"count", 1}, {"country", 3}, {"couple", 1},
    {"course", 1}, {"court", 3}, {"cover", 1}, {"create", 1}, {"crest", 1}, {"crime", 2},
    {"criminal", 2}, {"crisis", 3}, {"cross", 1}, {"crossing", 2}, {"crowd", 2},
    {"cuba", ENG_PROPER | 2}, {"culture", 3}, {"cup", 3}, {"currency", 2}, {"current", 3},
    {"cut", 2}, {"cyprus", ENG_PROPER | 2}, {"damage", 2}, {"damascus", ENG_PROPER | 2},
    {"dance", 1}, {"danger", 2}, {"dark", 1}, {"data", 1}, {"daughter", 1}, {"day", 3}, {"dead", 2},
    {"deal", 3}, {"death", 2}, {"debt", 2}, {"december", ENG_PROPER | 2}, {"decision", 2},
    {"declaration", 2}, {"declare", 2}, {"decrease", 2}, {"decree", 2}, {"deep", 1}, {"defeat", 2},
    {"defend", 2}, {"degree", 1}, {"delay", 2}, {"delegation", 3}, {"delhi", ENG_PROPER | 2},
    {"demand", 2}, {"democracy", 2}, {"demonstration", 2}, {"demonstrator", 2},
    {"denmark", ENG_PROPER | 2}, {"denounce", 2}, {"describe", 1}, {"desert", 2}, {"design", 1},
    {"destroy", 2}, {"detail", 1}, {"determine", 1}, {"development", 2}, {"dialogue", 2},
    {"dictatorship", 2}, {"die", 1}, {"difference", 1}, {"different", 1}, {"difficult", 1},
    {"dinner", 1}, {"diplomacy", 2}, {"diplomat", 2}, {"diplomatic", 2}, {"direction", 1},
    {"director", 2}, {"disaster", 3}, {"discover", 1}, {"discuss", 2}, {"discussion", 1},
    {"disease", 3}, {"dismiss", 2}, {"displaced", 2}, {"district", 2}, {"djibouti", ENG_PROPER | 2},
    {"doctor", 3}, {"dog", 1}, {"doha", ENG_PROPER | 2}, {"dollar", 3}, {"door", 1}, {"down", 1},
    {"draw", 1}, {"dream", 1}, {"dress", 1}, {"drink", 1}, {"drive", 1}, {"drone", 2}, {"drop", 2},
    {"drought", 2}, {"dubai", ENG_PROPER | 2}, {"during", 1}, {"duty", 1}, {"each", 1}, {"ear", 1},
    {"early", 1}, {"earth", 1}, {"earthquake", 3}, {"east", 2}, {"eastern", 2}, {"easy", 1},
    {"eat", 1}, {"economic", 3}, {"economy", 3}, {"edge", 1}, {"education", 3}, {"effect", 1},
    {"effort", 1}, {"egg", 1}, {"egypt", ENG_PROPER | 2}, {"egyptian", ENG_PROPER | 2},
    {"eight", 1}, {"either", 1}, {"elect", 2}, {"election", 3}, {"electricity", 2}, {"else", 1},
    {"embassy", 3}, {"emergency", 2}, {"emir", 2}, {"emirate", 2}, {"employee", 1}, {"empty", 1},
    {"end", 2}, {"enemy", 2}, {"energy", 2}, {"england", ENG_PROPER | 2},
    {"english", ENG_PROPER | 2}, {"enjoy", 1}, {"enough", 1}, {"enter", 1}, {"entire", 1},
    {"environment", 1}, {"envoy", 2}, {"equal", 1}, {"eritrea", ENG_PROPER | 2}, {"error", 1},
    {"especially", 1}, {"ethiopia", ENG_PROPER | 2}, {"euro", 3}, {"europe", ENG_PROPER | 2},
    {"european", ENG_PROPER | 2}, {"even", 1}, {"evening", 3}, {"event", 1}, {"ever", 1},
    {"every", 1}, {"everyone", 1}, {"everything", 1}, {"evidence", 2}, {"exactly", 1},
    {"example", 1}, {"exchange", 2}, {"expect", 1}, {"experience", 1}, {"expert", 2},
    {"explain", 3}, {"explosion", 3}, {"export", 2}, {"eye", 1}, {"face", 1}, {"fact", 1},
    {"factory", 2}, {"fail", 1}, {"fair", 1}, {"faith", 2}, {"fall", 2}, {"family", 1},
    {"famine", 2}, {"famous", 1}, {"far", 1}, {"farm", 1}, {"farmer", 1}, {"fast", 3},
    {"father", 1}, {"fear", 2}, {"february", ENG_PROPER | 2}, {"federation", 2}, {"feel", 1},
    {"feeling", 1}, {"festival", 2}, {"few", 1}, {"field", 1}, {"fight", 1}, {"fighter", 2},
    {"fighting", 2}, {"figure", 1}, {"fill", 1}, {"film", 1}, {"final", 1}, {"finally", 1},
    {"finance", 2}, {"financial", 2}, {"find", 1}, {"fine", 1}, {"finger", 1}, {"finish", 1},
    {"finland", ENG_PROPER | 2}, {"fire", 3}, {"first", 3}, {"fish", 1}, {"five", 1}, {"fleet", 2},
    {"flood", 3}, {"floor", 1}, {"flower", 1}, {"fly", 2}, {"follow", 1}, {"food", 2}, {"foot", 1},
    {"for", 1}, {"force", 3}, {"foreign", 3}, {"forest", 1}, {"forget", 1}, {"form", 1},
    {"former", 3}, {"forward", 1}, {"four", 1}, {"france", ENG_PROPER | 2}, {"free", 1},
    {"freedom", 2}, {"french", ENG_PROPER | 2}, {"friday", ENG_PROPER | 2}, {"friend", 1},
    {"friendly", 1}, {"friendship", 3}, {"from", 1}, {"front", 1}, {"fruit", 1}, {"fuel", 2},
    {"full", 1}, {"fun", 1}, {"fund", 2}, {"future", 1}, {"game", 3}, {"garden", 1}, {"gas", 2},
    {"gate", 1}, {"gaza", ENG_PROPER | 2}, {"general", 2}, {"georgia", ENG_PROPER | 2},
    {"german", ENG_PROPER | 2}, {"germany", ENG_PROPER | 2}, {"gift", 1}, {"girl", 1}, {"give", 1},
    {"glass", 1}, {"go", 1}, {"goal", 2}, {"god", ENG_PROPER | 2}, {"gold", 1}, {"good", 1},
    {"government", 3}, {"great", 3}, {"greece", ENG_PROPER | 2}, {"greek", ENG_PROPER | 2},
    {"green", 1}, {"ground", 1}, {"group", 1}, {"grow", 2}, {"growth", 2}, {"guard", 2},
    {"guess", 1}, {"gulf", ENG_PROPER | 2}, {"gun", 1}, {"gunman", 2}, {"hair", 1}, {"half", 1},
    {"hall", 1}, {"hand", 1}, {"happen", 1}, {"happy", 1}, {"hard", 1}, {"hat", 1}, {"hate", 1},
    {"have", 1}, {"he", 1}, {"head", 2}, {"headquarters", 2}, {"health", 3}, {"hear", 1},
    {"heart", 1}, {"heat", 1}, {"heavy", 1}, {"held", 2}, {"help", 2}, {"helpful", 1}, {"her", 1},
    {"here", 1}, {"high", 1}, {"hill", 1}, {"him", 1}, {"his", 1}, {"history", 1}, {"hit", 1},
    {"hold", 2}, {"hole", 1}, {"holiday", 2}, {"holland", ENG_PROPER | 2}, {"home", 1}, {"hope", 2},
    {"horse", 1}, {"hospital", 3}, {"host", 2}, {"hostage", 3}, {"hosting", 2}, {"hot", 1},
    {"hotel", 1}, {"hour", 1}, {"house", 1}, {"how", 1}, {"however", 1}, {"huge", 1}, {"human", 2},
    {"humanitarian", 2}, {"hundred", 3}, {"hungary", ENG_PROPER | 2}, {"hunger", 2}, {"idea", 1},
    {"if", 1}, {"image", 1}, {"imagine", 1}, {"imam", 2}, {"immigrant", 2}, {"import", 2},
    {"important", 3}, {"improve", 1}, {"in", 1}, {"include", 1}, {"including", 1}, {"income", 2},
    {"increase", 2}, {"independence", 2}, {"india", ENG_PROPER | 2}, {"indian", ENG_PROPER | 2},
    {"indonesia", ENG_PROPER | 2}, {"industrial", 2}, {"industry", 2}, {"inflation", 2},
    {"information", 1}, {"injured", 2}, {"injury", 2}, {"inquiry", 2}, {"inside", 1},
    {"instead", 1}, {"insurgent", 2}, {"interest", 1}, {"interesting", 1}, {"international", 3},
    {"interview", 2}, {"into", 1}, {"invasion", 2}, {"investigation", 2}, {"investment", 2},
    {"investor", 2}, {"invitation", 2}, {"invite", 2}, {"iran", ENG_PROPER | 2},
    {"iranian", ENG_PROPER | 2}, {"iraq", ENG_PROPER | 2}, {"iraqi", ENG_PROPER | 2},
    {"ireland", ENG_PROPER | 2}, {"iron", 1}, {"islam", ENG_PROPER | 2},
    {"islamic", ENG_PROPER | 2}, {"island", 2}, {"israel", ENG_PROPER | 2},
    {"israeli", ENG_PROPER | 2}, {"issue", 1}, {"istanbul", ENG_PROPER | 2}, {"it", 1},
    {"italian", ENG_PROPER | 2}, {"italy", ENG_PROPER | 2}, {"item", 1}, {"jail", 2},
    {"january", ENG_PROPER | 2}, {"japan", ENG_PROPER | 2}, {"japanese", ENG_PROPER | 2},
    {"jerusalem", ENG_PROPER | 2}, {"jet", 2}, {"jew", ENG_PROPER | 2}, {"jewish", ENG_PROPER | 2},
    {"jihadist", 2}, {"job", 1}, {"join", 1}, {"jordan", ENG_PROPER | 2},
    {"jordanian", ENG_PROPER | 2}, {"journalist", 2}, {"joy", 1}, {"judge", 2},
    {"july", ENG_PROPER | 2}, {"june", ENG_PROPER | 2}, {"just", 1}, {"kabul", ENG_PROPER | 2},
    {"keep", 1}, {"kenya", ENG_PROPER | 2}, {"key", 1}, {"khartoum", ENG_PROPER | 2}, {"kid", 1},
    {"kiev", ENG_PROPER | 2}, {"kill", 3}, {"killed", 2}, {"killing", 2}, {"kind", 1}, {"king", 3},
    {"kingdom", 2}, {"kitchen", 1}, {"knife", 1}, {"know", 1}, {"knowledge", 1},
    {"koran", ENG_PROPER | 2}, {"korea", ENG_PROPER | 2}, {"korean", ENG_PROPER | 2},
    {"kremlin", ENG_PROPER | 2}, {"kuwait", ENG_PROPER | 2}, {"kuwaiti", ENG_PROPER | 2},
    {"kyiv", ENG_PROPER | 2}, {"lady", 1}, {"lake", 1}, {"land", 2}, {"language", 1}, {"large", 3},
    {"last", 3}, {"late", 1}, {"laugh", 1}, {"launch", 2}, {"law", 3}, {"lawyer", 2}, {"lead", 1},
    {"leader", 3}, {"learn", 1}, {"least", 1}, {"leave", 2}, {"lebanese", ENG_PROPER | 2},
    {"lebanon", ENG_PROPER | 2}, {"leg", 1}, {"less", 1}, {"lesson", 1}, {"letter", 1},
    {"level", 1}, {"liberty", 2}, {"library", 1}, {"libya", ENG_PROPER | 2},
    {"libyan", ENG_PROPER | 2}, {"lie", 1}, {"life", 1}, {"light", 1}, {"like", 1}, {"likely", 1},
    {"line", 1}, {"list", 1}, {"listen", 1}, {"little", 1}, {"live", 1}, {"loan", 2}, {"local", 1},
    {"london", ENG_PROPER | 2}, {"long", 1}, {"look", 1}, {"lose", 2}, {"loss", 2}, {"lot", 1},
    {"love", 1}, {"low", 1}, {"machine", 1}, {"madrid", ENG_PROPER | 2}, {"magazine", 1},
    {"main", 3}, {"major", 3}, {"majority", 2}, {"make", 1}, {"malaysia", ENG_PROPER | 2},
    {"man", 1}, {"manage", 1}, {"manager", 1}, {"many", 1}, {"map", 1}, {"march", 2}, {"mark", 1},
    {"market", 3}, {"marriage", 1}, {"married", 1}, {"match", 3}, {"material", 1}, {"matter", 1},
    {"mauritania", ENG_PROPER | 2}, {"may", 1}, {"maybe", 1}, {"meal", 1}, {"mean", 1},
    {"meaning", 1}, {"measure", 1}, {"meat", 1}, {"mecca", ENG_PROPER | 2}, {"media", 2},
    {"mediation", 2}, {"mediator", 2}, {"mediterranean", ENG_PROPER | 2}, {"meet", 2},
    {"meeting", 3}, {"member", 2}, {"memory", 1}, {"message", 3}, {"mexico", ENG_PROPER | 2},
    {"middle", 2}, {"might", 1}, {"migrant", 2}, {"migration", 2}, {"militant", 3}, {"military", 3},
    {"militia", 2}, {"milk", 1}, {"million", 3}, {"mind", 1}, {"minister", 3}, {"ministry", 3},
    {"minority", 2}, {"minute", 1}, {"miss", 1}, {"missile", 3}, {"mission", 1}, {"model", 1},
    {"modern", 1}, {"moment", 1}, {"monarch", 2}, {"monday", ENG_PROPER | 2}, {"money", 1},
    {"month", 3}, {"moon", 1}, {"more", 1}, {"morning", 3}, {"moroccan", ENG_PROPER | 2},
    {"morocco", ENG_PROPER | 2}, {"moscow", ENG_PROPER | 2}, {"mosque", 2}, {"most", 1},
    {"mother", 1}, {"mountain", 2}, {"mouth", 1}, {"move", 1}, {"movie", 1}, {"much", 1},
    {"murder", 2}, {"music", 1}, {"muslim", ENG_PROPER | 2}, {"must", 1}, {"my", 1}, {"name", 1},
    {"nation", 1}, {"national", 3}, {"natural", 1}, {"nature", 1}, {"navy", 2}, {"near", 1},
    {"nearly", 1}, {"necessary", 1}, {"neck", 1}, {"need", 1}, {"negotiate", 2}, {"negotiation", 3},
    {"neighbor", 2}, {"neighbour", 2}, {"netherlands", ENG_PROPER | 2}, {"never", 1}, {"new", 3},
    {"news", 3}, {"newspaper", 2}, {"next", 3}, {"nigeria", ENG_PROPER | 2}, {"night", 3},
    {"nile", ENG_PROPER | 2}, {"nine", 1}, {"no", 1}, {"nobody", 1}, {"none", 1}, {"nor", 1},
    {"north", 2}, {"northern", 2}, {"norway", ENG_PROPER | 2}, {"nose", 1}, {"not", 1}, {"note", 1},
    {"nothing", 1}, {"notice", 1}, {"november", ENG_PROPER | 2}, {"now", 1}, {"number", 1},
    {"nurse", 1}, {"object", 1}, {"observer", 2}, {"occupation", 2}, {"occur", 1},
    {"october", ENG_PROPER | 2}, {"of", 1}, {"off", 1}, {"offer", 1}, {"office", 2}, {"officer", 2},
    {"official", 3}, {"often", 1}, {"oh", 1}, {"oil", 3}, {"old", 3}, {"oman", ENG_PROPER | 2},
    {"omani", ENG_PROPER | 2}, {"on", 1}, {"once", 1}, {"one", 1}, {"only", 1}, {"open", 2},
    {"opening", 2}, {"operation", 2}, {"opposition", 2}, {"or", 1}, {"order", 1},
    {"organization", 2}, {"other", 1}, {"our", 1}, {"out", 1}, {"outside", 1}, {"over", 1},
    {"own", 1}, {"owner", 1}, {"pacific", ENG_PROPER | 2}, {"pact", 2}, {"page", 1}, {"pain", 1},
    {"paint", 1}, {"pair", 1}, {"pakistan", ENG_PROPER | 2}, {"pakistani", ENG_PROPER | 2},
    {"palace", 2}, {"palestine", ENG_PROPER | 2}, {"palestinian", ENG_PROPER | 2}, {"paper", 1},
    {"parent", 1}, {"paris", ENG_PROPER | 2}, {"park", 1}, {"parliament", 3}, {"part", 1},
    {"participate", 3}, {"participation", 3}, {"particular", 1}, {"partner", 2}, {"party", 3},
    {"pass", 1}, {"past", 1}, {"patient", 1}, {"pattern", 1}, {"pay", 1}, {"peace", 3}, {"peak", 1},
    {"pen", 1}, {"people", 3}, {"percent", 3}, {"perhaps", 1}, {"period", 1},
    {"persian", ENG_PROPER | 2}, {"person", 1}, {"personal", 1}, {"petroleum", 2}, {"phone", 1},
    {"photo", 1}, {"picture", 1}, {"piece", 1}, {"place", 1}, {"plan", 2}, {"plane", 2},
    {"plant", 1}, {"play", 1}, {"player", 3}, {"please", 1}, {"pocket", 1}, {"poem", 1},
    {"point", 1}, {"poland", ENG_PROPER | 2}, {"police", 3}, {"policeman", 2}, {"policy", 2},
    {"poll", 2}, {"poor", 1}, {"pope", 2}, {"popular", 1}, {"population", 3}, {"port", 2},
    {"portugal", ENG_PROPER | 2}, {"position", 1}, {"possible", 1}, {"post", 1}, {"postpone", 2},
    {"pound", 1}, {"poverty", 2}, {"power", 1}, {"practice", 1}, {"praise", 2}, {"prepare", 1},
    {"present", 1}, {"president", 3}, {"press", 2}, {"pressure", 1}, {"pretty", 1}, {"prevent", 1},
    {"price", 3}, {"priest", 2}, {"prince", 3}, {"print", 1}, {"prison", 2}, {"prisoner", 3},
    {"private", 1}, {"probably", 1}, {"problem", 1}, {"process", 1}, {"proclaim", 1},
    {"produce", 1}, {"product", 2}, {"production", 2}, {"professor", 1}, {"profit", 2},
    {"program", 2}, {"programme", 2}, {"project", 2}, {"promise", 1}, {"proper", 1},
    {"property", 1}, {"prosecutor", 2}, {"protect", 2}, {"protest", 3}, {"protocol", 2},
    {"prove", 1}, {"provide", 1}, {"province", 2}, {"public", 1}, {"pull", 1}, {"purpose", 1},
    {"push", 1}, {"put", 1}, {"qatar", ENG_PROPER | 2}, {"qatari", ENG_PROPER | 2}, {"quality", 1},
    {"queen", 3}, {"question", 1}, {"quick", 1}, {"quickly", 3}, {"quiet", 1}, {"quite", 1},
    {"quran", ENG_PROPER | 2}, {"race", 1}, {"radio", 2}, {"raid", 2}, {"rain", 1}, {"raise", 2},
    {"rally", 2}, {"ramadan", ENG_PROPER | 2}, {"range", 1}, {"rapid", 3}, {"rate", 1},
    {"rather", 1}, {"ratify", 2}, {"reach", 2}, {"read", 1}, {"ready", 1}, {"real", 1},
    {"reality", 1}, {"realize", 1}, {"reason", 1}, {"rebel", 3}, {"receive", 2}, {"recent", 1},
    {"recently", 1}, {"reception", 2}, {"recognize", 1}, {"record", 1}, {"red", 1}, {"reduce", 2},
    {"referendum", 2}, {"reform", 2}, {"refugee", 3}, {"refuse", 2}, {"regime", 2}, {"region", 3},
    {"reject", 2}, {"relations", 3}, {"relationship", 1}, {"relief", 2}, {"religion", 2},
    {"religious", 2}, {"remain", 1}, {"remember", 1}, {"remove", 1}, {"rent", 1}, {"repair", 2},
    {"repeat", 1}, {"replace", 2}, {"reply", 1}, {"report", 3}, {"republic", 2}, {"request", 2},
    {"require", 1}, {"research", 1}, {"resign", 2}, {"resolution", 2}, {"resource", 1},
    {"respond", 1}, {"response", 1}, {"rest", 1}, {"restore", 2}, {"result", 1}, {"resume", 2},
    {"return", 2}, {"revenue", 2}, {"revolution", 2}, {"rich", 1}, {"ride", 1}, {"right", 1},
    {"rights", 2}, {"ring", 1}, {"riot", 2}, {"rise", 2}, {"risk", 2}, {"rival", 2}, {"river", 2},
    {"riyadh", ENG_PROPER | 2}, {"road", 2}, {"rock", 1}, {"role", 1}, {"romania", ENG_PROPER | 2},
    {"rome", ENG_PROPER | 2}, {"room", 1}, {"rule", 1}, {"run", 1}, {"russia", ENG_PROPER | 2},
    {"russian", ENG_PROPER | 2}, {"sad", 1}, {"safe", 1}, {"salary", 2}, {"salt", 1}, {"same", 1},
    {"sanction", 3}, {"saturday", ENG_PROPER | 2}, {"saudi", ENG_PROPER | 2}, {"save", 1},
    {"say", 3}, {"scene", 1}, {"school", 3}, {"science", 1}, {"score", 2}, {"sea", 2},
    {"season", 1}, {"seat", 2}, {"second", 3}, {"secretary", 2}, {"secure", 2}, {"security", 3},
    {"see", 1}, {"seek", 1}, {"seem", 1}, {"sell", 1}, {"send", 1}, {"senegal", ENG_PROPER | 2},
    {"sense", 1}, {"sentence", 2}, {"september", ENG_PROPER | 2}, {"serbia", ENG_PROPER | 2},
    {"series", 1}, {"serious", 1}, {"serve", 1}, {"service", 1}, {"servicemen", 1}, {"set", 1},
    {"seven", 1}, {"several", 1}, {"shake", 1}, {"shape", 1}, {"share", 2}, {"she", 1},
    {"sheikh", 2}, {"shelling", 2}, {"ship", 2}, {"shoot", 1}, {"shop", 1}, {"short", 1},
    {"shortage", 2}, {"shot", 1}, {"should", 1}, {"shoulder", 1}, {"show", 1}, {"side", 1},
    {"siege", 2}, {"sign", 2}, {"signal", 1}, {"silver", 1}, {"similar", 1}, {"simple", 1},
    {"since", 1}, {"sing", 1}, {"single", 1}, {"sister", 1}, {"sit", 1}, {"site", 1},
    {"situation", 1}, {"six", 1}, {"size", 1}, {"skill", 1}, {"skin", 1}, {"sky", 1}, {"sleep", 1},
    {"slow", 3}, {"small", 3}, {"smile", 1}, {"snow", 1}, {"so", 1}, {"social", 1}, {"society", 1},
    {"soft", 1}, {"soil", 1}, {"soldier", 3}, {"soldiers", 2}, {"somali", ENG_PROPER | 2},
    {"somalia", ENG_PROPER | 2}, {"some", 1}, {"someone", 1}, {"something", 1}, {"sometimes", 1},
    {"son", 1}, {"song", 1}, {"soon", 1}, {"sort", 1}, {"sound", 1}, {"source", 2}, {"sources", 2},
    {"south", 2}, {"southern", 2}, {"space", 1}, {"spain", ENG_PROPER | 2},
    {"spanish", ENG_PROPER | 2}, {"speak", 1}, {"special", 1}, {"speech", 2}, {"speed", 1},
    {"spend", 1}, {"spokesman", 3}, {"spokesperson", 2}, {"spokeswoman", 2}, {"sport", 3},
    {"spring", 1}, {"square", 1}, {"staff", 1}, {"stage", 1}, {"stand", 1}, {"standard", 1},
    {"star", 1}, {"start", 2}, {"state", 3}, {"statement", 2}, {"station", 2}, {"stay", 1},
    {"step", 1}, {"still", 1}, {"stock", 2}, {"stone", 1}, {"stop", 2}, {"story", 1},
    {"strange", 1}, {"stranger", 1}, {"strategy", 2}, {"street", 2}, {"strength", 1}, {"stress", 1},
    {"strike", 3}, {"strong", 1}, {"structure", 1}, {"student", 3}, {"study", 1}, {"stuff", 1},
    {"style", 1}, {"subject", 1}, {"succeed", 2}, {"success", 1}, {"successful", 1}, {"such", 1},
    {"sudan", ENG_PROPER | 2}, {"sudanese", ENG_PROPER | 2}, {"sudden", 1}, {"suddenly", 1},
    {"suffer", 1}, {"sugar", 1}, {"suggest", 1}, {"sultan", 2}, {"summer", 1}, {"summit", 3},
    {"sun", 1}, {"sunday", ENG_PROPER | 2}, {"supply", 2}, {"support", 3}, {"sure", 1},
    {"surface", 1}, {"surprise", 1}, {"suspect", 2}, {"suspend", 2}, {"sweden", ENG_PROPER | 2},
    {"sweet", 1}, {"swim", 1}, {"switzerland", ENG_PROPER | 2}, {"syria", ENG_PROPER | 2},
    {"syrian", ENG_PROPER | 2}, {"system", 1}, {"table", 1}, {"take", 1}, {"tale", 1}, {"talk", 1},
    {"talks", 3}, {"tall", 1}, {"tank", 2}, {"task", 1}, {"taste", 1}, {"tax", 2}, {"tea", 1},
    {"teach", 1}, {"teacher", 3}, {"team", 3}, {"technology", 1}, {"tehran", ENG_PROPER | 2},
    {"television", 2}, {"tell", 1}, {"temple", 2}, {"ten", 1}, {"term", 1}, {"territory", 2},
    {"terrorist", 3}, {"test", 1}, {"than", 1}, {"thank", 2}, {"that", 1}, {"the", 1}, {"their", 1},
    {"them", 1}, {"then", 1}, {"theory", 1}, {"there", 1}, {"these", 1}, {"they", 1}, {"thing", 1},
    {"think", 1}, {"third", 3}, {"this", 1}, {"those", 1}, {"though", 1}, {"thought", 1},
    {"thousand", 3}, {"threat", 2}, {"threaten", 2}, {"three", 1}, {"through", 1}, {"throw", 1},
    {"thursday", ENG_PROPER | 2}, {"time", 1}, {"tip", 1}, {"tire", 1}, {"title", 1}, {"to", 1},
    {"today", 3}, {"together", 1}, {"tokyo", ENG_PROPER | 2}, {"tomorrow", 3}, {"tone", 1},
    {"tonight", 1}, {"too", 1}, {"tool", 1}, {"top", 1}, {"total", 1}, {"touch", 1}, {"toward", 1},
    {"tower", 1}, {"town", 2}, {"toy", 1}, {"track", 1}, {"trade", 2}, {"traffic", 1}, {"train", 1},
    {"travel", 2}, {"treaty", 2}, {"tree", 1}, {"trial", 2}, {"trip", 1},
    {"tripoli", ENG_PROPER | 2}, {"troop", 2}, {"troops", 3}, {"trouble", 1}, {"true", 1},
    {"trust", 1}, {"truth", 1}, {"try", 1}, {"tuesday", ENG_PROPER | 2},
    {"tunisia", ENG_PROPER | 2}, {"tunisian", ENG_PROPER | 2}, {"turkey", ENG_PROPER | 2},
    {"turkish", ENG_PROPER | 2}, {"turn", 1}, {"twice", 1}, {"two", 1}, {"type", 1},
    {"ukraine", ENG_PROPER | 2}, {"ukrainian", ENG_PROPER | 2}, {"under", 1}, {"understand", 1},
    {"unemployment", 2}, {"union", 3}, {"unit", 1}, {"university", 3}, {"until", 1}, {"up", 1},
    {"upon", 1}, {"urge", 2}, {"us", 1}, {"use", 1}, {"usual", 1}, {"usually", 1}, {"value", 1},
    {"various", 1}, {"venezuela", ENG_PROPER | 2}, {"very", 1}, {"victim", 3}, {"victory", 2},
    {"view", 1}, {"village", 2}, {"violence", 2}, {"virus", 3}, {"visit", 3}, {"voice", 1},
    {"vote", 3}, {"voter", 2}, {"wage", 2}, {"wait", 1}, {"walk", 1}, {"wall", 1}, {"want", 1},
    {"war", 3}, {"warm", 1}, {"warn", 2}, {"warning", 2}, {"wash", 1},
    {"washington", ENG_PROPER | 2}, {"watch", 1}, {"water", 2}, {"wave", 1}, {"way", 1}, {"we", 1},
    {"weak", 1}, {"wealth", 1}, {"weapon", 3}, {"wear", 1}, {"weather", 1}, {"wedding", 1},
    {"wednesday", ENG_PROPER | 2}, {"week", 3}, {"weight", 1}, {"welcome", 2}, {"well", 1},
    {"west", 2}, {"western", 2}, {"what", 1}, {"wheel", 1}, {"when", 1}, {"where", 1},
    {"whether", 1}, {"which", 1}, {"while", 1}, {"white", 1}, {"who", 1}, {"whole", 1}, {"whom", 1},
    {"whose", 1}, {"why", 1}, {"wide", 1}, {"wife", 1}, {"wild", 1}, {"will", 1}, {"win", 2},
    {"wind", 1}, {"window", 1}, {"wine", 1}, {"winter", 1}, {"wish", 1}, {"with", 1}, {"within", 1},
    {"without", 1}, {"witness", 2}, {"woman", 1}, {"wonder", 1}, {"wood", 1}, {"word", 1},
    {"work", 1}, {"worker", 1}, {"world", 3}, {"worry", 1}, {"wound", 3}, {"write", 1},
    {"writer", 1}, {"wrong", 1}, {"yard", 1}, {"year", 3}, {"yellow", 1}, {"yemen", ENG_PROPER | 2},
    {"yemeni", ENG_PROPER | 2}, {"yes", 1}, {"yesterday", 3}, {"yet", 1}, {"you", 1}, {"young", 1},
    {"your", 1}, {"youth", 1}, {"zone", 2},
    /* clang-format on */
};

/* ASCII classes: the dictionary's English is ASCII, and the locale must not change the
 * result. */
static bool ascii_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ascii_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static char ascii_lower(unsigned char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

/* True when a[0..n) and b[0..n) are equal ignoring ASCII case. */
static bool ascii_caseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
            return false;
    return true;
}

static int eng_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct eng_word *)elem)->word);
}

static const struct eng_word *eng_find(const char *w)
{
    return bsearch(w, eng_words, TJ_ARRAY_LEN(eng_words), sizeof eng_words[0], eng_cmp);
}

static bool ends_with(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n > k && memcmp(w + n - k, suffix, k) == 0;
}

/* Looks up a lowercase word, directly or through its base form (plural, past tense, -ing,
 * -ly); returns the table flags, 0 when unknown. A base form passes on its tier but not its
 * proper-name flag. */
static unsigned eng_flags(const char *w)
{
    const struct eng_word *e = eng_find(w);
    if (e)
        return e->flags;
    size_t n = strlen(w);
    if (n < 4 || n >= SENSE_MAX)
        return 0;
    static const struct {
        const char *suffix;
        const char *repl;
    } rules[] = {
        {"ies", "y"}, {"es", ""},   {"s", ""},    {"ied", "y"}, {"ed", ""},   {"ed", "e"},
        {"ing", ""},  {"ing", "e"}, {"ily", "y"}, {"ly", ""},   {"ness", ""},
    };
    unsigned best = 0;
    for (size_t i = 0; i < TJ_ARRAY_LEN(rules); i++) {
        if (!ends_with(w, n, rules[i].suffix))
            continue;
        char base[SENSE_MAX + 4];
        size_t k = n - strlen(rules[i].suffix);
        size_t r = strlen(rules[i].repl);
        memcpy(base, w, k);
        memcpy(base + k, rules[i].repl, r + 1);
        e = eng_find(base);
        /* A doubled final consonant: "stopped" -> "stop". */
        if (!e && k >= 3 && base[k - 1] == base[k - 2] && !rules[i].repl[0]) {
            base[k - 1] = '\0';
            e = eng_find(base);
        }
        if (e && ENG_TIER(e->flags) > ENG_TIER(best))
            best = e->flags & ~(unsigned)ENG_PROPER;
    }
    return best;
}

/* ---- choosing a gloss --------------------------------------------------------------------- */

struct sense {
    char text[SENSE_MAX + 1]; /* as written, number and spaces trimmed */
    size_t len;
};

/* First components after which a hyphenated sense is a phrase: "Made-known" -> "made known". */
static bool is_phrase_verb(const char *w, size_t n)
{
    static const char *const verbs[] = {
        "be",     "became", "become",  "being",   "brought", "came",  "come",   "did",  "do",
        "doing",  "gave",   "get",     "getting", "give",    "given", "giving", "go",   "going",
        "got",    "had",    "has",     "have",    "having",  "is",    "make",   "made", "makes",
        "making", "put",    "putting", "take",    "taken",   "takes", "taking", "took", "was",
    };
    for (size_t i = 0; i < TJ_ARRAY_LEN(verbs); i++)
        if (strlen(verbs[i]) == n && ascii_caseeq(verbs[i], w, n))
            return true;
    return false;
}

/* A sense is clean when it is made of letters, spaces, hyphens and apostrophes only. */
static bool sense_clean(const struct sense *s)
{
    if (s->len == 0 || !ascii_alpha((unsigned char)s->text[0]))
        return false;
    for (size_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->text[i];
        if (!ascii_alpha(c) && c != ' ' && c != '-' && c != '\'')
            return false;
    }
    return true;
}

/* The rendering of a sense: hyphens of verb phrases become spaces, and everything is
 * lowercased unless every word is a proper name. Returns the number of words, the parts of a
 * hyphenated compound counted apart. */
static size_t render_sense(const struct sense *s, char *out, unsigned *flags)
{
    memcpy(out, s->text, s->len + 1);
    const char *dash = strchr(out, '-');
    if (dash && is_phrase_verb(out, (size_t)(dash - out)))
        for (char *p = out; *p; p++)
            if (*p == '-')
                *p = ' ';
    size_t words = 0;
    bool all_proper = true;
    char lower[SENSE_MAX + 1];
    for (size_t i = 0; i <= s->len; i++)
        lower[i] = ascii_lower((unsigned char)out[i]);
    *flags = 0;
    for (char *p = lower; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        char *end = p;
        while (*end && *end != ' ')
            end++;
        char save = *end;
        *end = '\0';
        unsigned f = eng_flags(p);
        if (!(f & ENG_PROPER))
            all_proper = false;
        if (words == 0)
            *flags = f;
        words++;
        *end = save;
        p = end;
    }
    if (!all_proper)
        memcpy(out, lower, s->len + 1);
    if (words != 1) /* only a single word is ranked by the table */
        *flags &= ENG_PROPER;
    for (const char *p = out; *p; p++)
        if (*p == '-')
            words++;
    return words;
}

/* Picks the best of senses[0..n) and returns it as a new string, or NULL when none is usable.
 * Ranking: listed common words first (higher tier first), then fewer words; a long sense
 * or a plural whose singular is also offered loses a little; ties keep the dictionary's order.
 * Senses that are not clean are used only when no sense is. */
static char *choose_gloss(const struct sense *senses, size_t n)
{
    long best_score = 0;
    size_t best = n;
    char rendered[SENSE_MAX + 1], best_text[SENSE_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        const struct sense *s = &senses[i];
        if (!sense_clean(s))
            continue;
        unsigned flags;
        size_t words = render_sense(s, rendered, &flags);
        long score = 1000 + 100 * (long)ENG_TIER(flags);
        score -= 40 * (long)(words - 1);
        if (words > 3)
            score -= 300;
        if (s->len > 14)
            score -= 15;
        for (size_t j = 0; j < n; j++) {
            /* senses[j] followed by "s" or "es" is s. */
            size_t k = senses[j].len;
            const char *tail = s->text + k;
            if (j == i || k >= s->len || !ascii_caseeq(senses[j].text, s->text, k))
                continue;
            if ((s->len == k + 1 && ascii_caseeq(tail, "s", 1)) ||
                (s->len == k + 2 && ascii_caseeq(tail, "es", 2)))
                score -= 30;
        }
        if (best == n || score > best_score) {
            best_score = score;
            best = i;
            memcpy(best_text, rendered, sizeof rendered);
        }
    }
    if (best < n)
        return tj_xstrdup(best_text);
    /* Nothing clean ("1st", "U.S.A"): the first printable sense, as written. */
    for (size_t i = 0; i < n; i++) {
        bool printable = senses[i].len > 0;
        for (size_t k = 0; k < senses[i].len; k++)
            if ((unsigned char)senses[i].text[k] < 0x20 || (unsigned char)senses[i].text[k] > 0x7e)
                printable = false;
        if (printable)
            return tj_xstrdup(senses[i].text);
    }
    return NULL;
}

/* Appends the senses of one definition text (headword line, then "N. sense" or a single
 * sense per line) to senses[*n..SENSES_MAX). */
static void parse_senses(const char *text, size_t len, struct sense *senses, size_t *n)
{
    size_t i = 0;
    bool first_line = true;
    while (i < len && *n < SENSES_MAX) {
        size_t start = i;
        while (i < len && text[i] != '\n')
            i++;
        size_t end = i;
        if (i < len)
            i++;
        else if (len == ENTRY_READ_MAX)
            break; /* a line cut by the read limit */
        if (first_line) {
            first_line = false;
            continue;
        }
        while (start < end && ascii_space((unsigned char)text[start]))
            start++;
        while (end > start && ascii_space((unsigned char)text[end - 1]))
            end--;
        size_t p = start;
        while (p < end && ascii_digit((unsigned char)text[p]))
            p++;
        if (p > start && p + 1 < end && text[p] == '.' && text[p + 1] == ' ') {
            start = p + 2;
            while (start < end && text[start] == ' ')
                start++;
        }
        if (end == start || end - start > SENSE_MAX)
            continue;
        struct sense *s = &senses[(*n)++];
        s->len = end - start;
        memcpy(s->text, text + start, s->len);
        s->text[s->len] = '\0';
    }
}

/* ---- reading the .dict / .dict.dz --------------------------------------------------------- */

static bool pread_full(int fd, void *buf, size_t n, uint64_t off)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return true;
}

static unsigned le16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* Skips the zero-terminated header string (FNAME, FCOMMENT) at *pos. */
static bool skip_zstring(int fd, uint64_t file_size, uint64_t *pos)
{
    unsigned char block[256];
    for (size_t scanned = 0; scanned < 65536;) {
        if (*pos >= file_size)
            return false;
        size_t want = sizeof block;
        if (file_size - *pos < want)
            want = (size_t)(file_size - *pos);
        if (!pread_full(fd, block, want, *pos))
            return false;
        unsigned char *nul = memchr(block, 0, want);
        if (nul) {
            *pos += (uint64_t)(nul - block) + 1;
            return true;
        }
        *pos += want;
        scanned += want;
    }
    return false;
}

/* Reads the gzip header and the dictzip "RA" chunk table (RFC 1952, FEXTRA subfield RA:
 * version 1, chunk length, chunk count, then one 16-bit compressed size per chunk). A file that
 * does not start with the gzip magic is taken as a plain .dict. */
static enum tj_status open_dict(struct tj_freedict *d, const char *path, struct tj_diag *diag)
{
    d->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (d->fd < 0)
        return tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(d->fd, &st) != 0)
        return tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: not a regular file", path);
    uint64_t size = (uint64_t)st.st_size;
    unsigned char h[12];
    if (size < 2 || !pread_full(d->fd, h, 2, 0) || h[0] != 0x1f || h[1] != 0x8b) {
        d->plain = true;
        d->dict_size = size;
        return TJ_OK;
    }
    if (size < 18 || !pread_full(d->fd, h, 10, 0) || h[2] != 8)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: damaged gzip header", path);
    unsigned flg = h[3];
    if (!(flg & 0x04))
        return tj_diag_set(diag, TJ_ERR_CONFIG,
                           "%s: gzip file without a dictzip chunk table (not made by dictzip)",
                           path);
    if (!pread_full(d->fd, h, 2, 10))
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: damaged gzip header", path);
    unsigned xlen = le16(h);
    uint64_t pos = 12 + (uint64_t)xlen;
    if (pos > size)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: gzip extra field past end of file", path);
    unsigned char *extra = tj_xmalloc(xlen ? xlen : 1);
    enum tj_status rc = TJ_OK;
    if (!pread_full(d->fd, extra, xlen, 12)) {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: damaged gzip header", path);
        goto out;
    }
    const unsigned char *ra = NULL;
    unsigned ra_len = 0;
    for (unsigned p = 0; p + 4 <= xlen;) {
        unsigned sub = le16(extra + p + 2);
        if (p + 4 + sub > xlen) {
            rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: damaged gzip extra field", path);
            goto out;
        }
        if (extra[p] == 'R' && extra[p + 1] == 'A' && !ra) {
            ra = extra + p + 4;
            ra_len = sub;
        }
        p += 4 + sub;
    }
    if (!ra) {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG,
                         "%s: gzip file without a dictzip chunk table (not made by dictzip)", path);
        goto out;
    }
    if (ra_len < 6 || le16(ra) != 1 || le16(ra + 2) == 0 || le16(ra + 4) == 0 ||
        ra_len < 6 + 2 * le16(ra + 4)) {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: unsupported or damaged dictzip chunk table",
                         path);
        goto out;
    }
    d->chunk_len = le16(ra + 2);
    d->n_chunks = le16(ra + 4);
    if ((flg & 0x08 && !skip_zstring(d->fd, size, &pos)) ||
        (flg & 0x10 && !skip_zstring(d->fd, size, &pos))) {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: damaged gzip header", path);
        goto out;
    }
    if (flg & 0x02)
        pos += 2;
    d->chunk_off = tj_xcalloc((size_t)d->n_chunks + 1, sizeof *d->chunk_off);
    d->chunk_off[0] = pos;
    for (uint32_t i = 0; i < d->n_chunks; i++) {
        unsigned csize = le16(ra + 6 + 2 * i);
        d->chunk_off[i + 1] = d->chunk_off[i] + csize;
        if (csize == 0 || d->chunk_off[i + 1] > size) {
            rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: dictzip chunk %u past end of file", path,
                             (unsigned)i);
            goto out;
        }
    }
    /* The gzip trailer's ISIZE gives the exact size when it agrees with the chunk table. */
    uint64_t max_size = (uint64_t)d->chunk_len * d->n_chunks;
    d->dict_size = max_size;
    if (size >= d->chunk_off[d->n_chunks] + 8 && pread_full(d->fd, h, 4, size - 4)) {
        uint64_t isize = le16(h) | (uint64_t)le16(h + 2) << 16;
        if (isize > max_size - d->chunk_len && isize <= max_size)
            d->dict_size = isize;
    }
    if (inflateInit2(&d->zs, -15) != Z_OK) {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: zlib initialisation failed", path);
        goto out;
    }
    d->zs_ready = true;
    d->zbuf = tj_xmalloc(65536);
    for (size_t i = 0; i < CHUNK_SLOTS; i++) {
        d->slots[i].index = NONE;
        d->slots[i].data = tj_xmalloc(d->chunk_len);
    }
out:
    free(extra);
    return rc;
}

/* Returns the slot holding chunk number index, inflating it into the least recently used slot
 * when needed; NULL when the chunk is damaged. Called with the lock held. */
static struct chunk_slot *get_chunk(struct tj_freedict *d, uint32_t index)
{
    struct chunk_slot *victim = &d->slots[0];
    for (size_t i = 0; i < CHUNK_SLOTS; i++) {
        struct chunk_slot *s = &d->slots[i];
        if (s->index == index) {
            s->used = ++d->tick;
            return s;
        }
        if (s->used < victim->used)
            victim = s;
    }
    size_t csize = (size_t)(d->chunk_off[index + 1] - d->chunk_off[index]);
    victim->index = NONE;
    victim->used = 0;
    if (!pread_full(d->fd, d->zbuf, csize, d->chunk_off[index]))
        return NULL;
    if (inflateReset(&d->zs) != Z_OK)
        return NULL;
    d->zs.next_in = d->zbuf;
    d->zs.avail_in = (uInt)csize;
    d->zs.next_out = victim->data;
    d->zs.avail_out = d->chunk_len;
    int zr = inflate(&d->zs, Z_SYNC_FLUSH);
    if (zr != Z_OK && zr != Z_STREAM_END && !(zr == Z_BUF_ERROR && d->zs.avail_out == 0))
        return NULL;
    victim->len = d->chunk_len - d->zs.avail_out;
    /* Every chunk but the last is full. */
    if (index + 1 < d->n_chunks && victim->len != d->chunk_len)
        return NULL;
    victim->index = index;
    victim->used = ++d->tick;
    return victim;
}

/* Copies the definition bytes [off, off + len) into out. Called with the lock held. */
static bool read_def(struct tj_freedict *d, uint64_t off, size_t len, char *out)
{
    if (d->fd < 0)
        return false;
    if (d->plain)
        return pread_full(d->fd, out, len, off);
    while (len > 0) {
        uint64_t index = off / d->chunk_len;
        if (index >= d->n_chunks)
            return false;
        struct chunk_slot *s = get_chunk(d, (uint32_t)index);
        if (!s)
            return false;
        size_t inner = (size_t)(off % d->chunk_len);
        if (inner >= s->len)
            return false;
        size_t n = s->len - inner < len ? s->len - inner : len;
        memcpy(out, s->data + inner, n);
        out += n;
        off += n;
        len -= n;
    }
    return true;
}

/* ---- index -------------------------------------------------------------------------------- */

static uint64_t hash_key(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3u;
    }
    return h;
}

/* Returns the table slot of key: the one holding its first entry, or the empty slot where it
 * would go. */
static size_t find_slot(const struct tj_freedict *d, const char *key, size_t n)
{
    size_t i = (size_t)hash_key(key, n) & d->table_mask;
    for (;;) {
        uint32_t e = d->table[i];
        if (e == NONE)
            return i;
        const struct entry *en = &d->entries[e];
        if (en->key_len == n && memcmp(d->keys + en->key_off, key, n) == 0)
            return i;
        i = (i + 1) & d->table_mask;
    }
}

/* Decodes a dictd number: base64 digits, most significant first. */
static bool decode_b64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 10) /* 60 bits */
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i], digit;
        if (c >= 'A' && c <= 'Z')
            digit = c - 'A';
        else if (c >= 'a' && c <= 'z')
            digit = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            digit = c - '0' + 52;
        else if (c == '+')
            digit = 62;
        else if (c == '/')
            digit = 63;
        else
            return false;
        v = v << 6 | digit;
    }
    *out = v;
    return true;
}

static bool has_presentation_forms(const char *s, size_t n)
{
    /* U+FB50..U+FDFF and U+FE70..U+FEFF are encoded EF AD 90 .. EF B7 BF and EF B9 B0 ..
     * EF BB BF. */
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] >= 0xAD &&
            (unsigned char)s[i + 1] <= 0xBB)
            return true;
    return false;
}

/* Appends the matching form of headword h[0..n) (valid UTF-8) to the key arena; returns its
 * length, and in *final the TJ_FREEDICT_FINAL_* bit of its last letter as written. */
static size_t add_key(struct tj_freedict *d, size_t *alloc, const char *h, size_t n,
                      unsigned *final)
{
    char *folded = NULL;
    if (has_presentation_forms(h, n)) {
        size_t fn;
        folded = tj_normalize_display(h, n, &fn);
        h = folded;
        n = fn;
    }
    /* The matching form of a character is never longer than the character. */
    if (d->keys_len + n > *alloc) {
        while (d->keys_len + n > *alloc)
            *alloc = *alloc ? *alloc * 2 : 4096;
        d->keys = tj_xrealloc(d->keys, *alloc);
    }
    size_t start = d->keys_len, i = 0;
    uint32_t last = 0;
    while (i < n) {
        char enc[4];
        uint32_t cp = tj_utf8_next(h, n, &i);
        size_t k = tj_mform_char(cp, enc);
        memcpy(d->keys + d->keys_len, enc, k);
        d->keys_len += k;
        if (k > 0)
            last = cp;
    }
    *final = last == 0x0629 ? TJ_FREEDICT_FINAL_TAA : TJ_FREEDICT_FINAL_OTHER;
    free(folded);
    return d->keys_len - start;
}

static enum tj_status parse_index(struct tj_freedict *d, const char *text, size_t len,
                                  const char *name, struct tj_diag *diag)
{
    size_t lines = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p))); p++)
        lines++;
    if (lines >= NONE / 2)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: too many lines", name);
    size_t cap = 16;
    while (cap < lines * 2)
        cap *= 2;
    d->table = tj_xmalloc(cap * sizeof *d->table);
    memset(d->table, 0xFF, cap * sizeof *d->table);
    d->table_mask = cap - 1;
    d->entries = tj_xcalloc(lines, sizeof *d->entries);
    size_t keys_alloc = 0;

    size_t line_no = 0;
    for (size_t pos = 0; pos < len;) {
        line_no++;
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n == 0)
            continue;
        const char *field[4];
        size_t flen[4], nf = 0;
        for (size_t i = 0, start = 0; i <= n; i++) {
            if (i == n || line[i] == '\t') {
                if (nf == 4)
                    return tj_diag_set(diag, TJ_ERR_CONFIG,
                                       "%s: line %zu: more than four tab-separated fields", name,
                                       line_no);
                field[nf] = line + start;
                flen[nf++] = i - start;
                start = i + 1;
            }
        }
        if (nf < 3)
            return tj_diag_set(diag, TJ_ERR_CONFIG,
                               "%s: line %zu: expected headword, offset and length separated "
                               "by tabs",
                               name, line_no);
        size_t bad;
        bool is_nul;
        if (flen[0] == 0 || !tj_utf8_check_text(field[0], flen[0], &bad, &is_nul))
            return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: line %zu: %s", name, line_no,
                               flen[0] == 0 ? "empty headword"
                                            : "headword is not valid UTF-8 text");
        uint64_t off, dlen;
        if (!decode_b64(field[1], flen[1], &off) || !decode_b64(field[2], flen[2], &dlen) ||
            dlen > UINT32_MAX)
            return tj_diag_set(diag, TJ_ERR_CONFIG,
                               "%s: line %zu: offset and length must be dictd base64 numbers", name,
                               line_no);
        if (d->fd >= 0 && (off > d->dict_size || dlen > d->dict_size - off))
            return tj_diag_set(diag, TJ_ERR_CONFIG,
                               "%s: line %zu: definition lies past the end of the dictionary", name,
                               line_no);
        if ((flen[0] >= 10 && memcmp(field[0], "00database", 10) == 0) ||
            (flen[0] >= 11 && memcmp(field[0], "00-database", 11) == 0))
            continue;
        size_t key_off = d->keys_len;
        unsigned final;
        size_t key_len = add_key(d, &keys_alloc, field[0], flen[0], &final);
        if (key_len == 0)
            continue;
        if (d->keys_len > NONE)
            return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: too large", name);
        uint32_t e = (uint32_t)d->n_entries++;
        struct entry *en = &d->entries[e];
        en->off = off;
        en->len = (uint32_t)dlen;
        en->key_off = (uint32_t)key_off;
        en->key_len = (uint32_t)key_len;
        en->next = NONE;
        en->tail = e;
        size_t slot = find_slot(d, d->keys + key_off, key_len);
        uint32_t head = d->table[slot];
        if (head == NONE) {
            d->table[slot] = e;
            en->finals = (unsigned char) final;
        } else {
            d->entries[head].finals |= (unsigned char) final;
            d->entries[d->entries[head].tail].next = e;
            d->entries[head].tail = e;
            d->keys_len = key_off; /* the head's copy of the key serves */
            en->key_off = d->entries[head].key_off;
        }
    }
    return TJ_OK;
}

/* ---- public ------------------------------------------------------------------------------- */

static bool eng_words_sorted(void)
{
    for (size_t i = 1; i < TJ_ARRAY_LEN(eng_words); i++)
        if (strcmp(eng_words[i - 1].word, eng_words[i].word) >= 0)
            return false;
    return true;
}

enum tj_status tj_freedict_open_mem(const char *index, size_t index_len, const char *index_name,
                                    const char *dict_path, struct tj_freedict **out,
                                    struct tj_diag *diag)
{
    assert(eng_words_sorted());
    *out = NULL;
    struct tj_freedict *d = tj_xcalloc(1, sizeof *d);
    d->fd = -1;
    pthread_mutex_init(&d->lock, NULL);
    enum tj_status rc = TJ_OK;
    if (dict_path && (rc = open_dict(d, dict_path, diag)) != TJ_OK)
        goto out;
    if (index_len > INDEX_MAX) {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: larger than %zu MiB", index_name,
                         INDEX_MAX >> 20);
        goto out;
    }
    rc = parse_index(d, index, index_len, index_name, diag);
out:
    if (rc != TJ_OK) {
        tj_freedict_destroy(d);
        return rc;
    }
    *out = d;
    return TJ_OK;
}

enum tj_status tj_freedict_open(const char *index_path, const char *dict_path,
                                struct tj_freedict **out, struct tj_diag *diag)
{
    *out = NULL;
    int fd = open(index_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: %s", index_path, strerror(errno));
    enum tj_status rc = TJ_OK;
    char *text = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: not a readable regular file", index_path);
        goto out;
    }
    if ((uint64_t)st.st_size > INDEX_MAX) {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: larger than %zu MiB", index_path,
                         INDEX_MAX >> 20);
        goto out;
    }
    size_t len = (size_t)st.st_size;
    text = tj_xmalloc(len + 1);
    if (!pread_full(fd, text, len, 0)) {
        rc = tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: read error", index_path);
        goto out;
    }
    rc = tj_freedict_open_mem(text, len, index_path, dict_path, out, diag);
out:
    free(text);
    close(fd);
    return rc;
}

void tj_freedict_destroy(struct tj_freedict *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_entries; i++)
        free(d->entries[i].gloss);
    for (size_t i = 0; i < CHUNK_SLOTS; i++)
        free(d->slots[i].data);
    if (d->zs_ready)
        inflateEnd(&d->zs);
    if (d->fd >= 0)
        close(d->fd);
    pthread_mutex_destroy(&d->lock);
    free(d->zbuf);
    free(d->chunk_off);
    free(d->table);
    free(d->keys);
    free(d->entries);
    free(d);
}

size_t tj_freedict_count(const struct tj_freedict *d)
{
    return d->n_entries;
}

bool tj_freedict_contains(struct tj_freedict *d, const char *key, size_t key_len)
{
    return d->table[find_slot(d, key, key_len)] != NONE;
}

unsigned tj_freedict_finals(struct tj_freedict *d, const char *key, size_t key_len)
{
    uint32_t head = d->table[find_slot(d, key, key_len)];
    return head == NONE ? 0 : d->entries[head].finals;
}

bool tj_freedict_lookup(struct tj_freedict *d, const char *key, size_t key_len, const char **out)
{
    uint32_t head = d->table[find_slot(d, key, key_len)];
    if (head == NONE)
        return false;
    pthread_mutex_lock(&d->lock);
    struct entry *h = &d->entries[head];
    if (h->state == GLOSS_UNKNOWN) {
        struct sense *senses = tj_xmalloc(SENSES_MAX * sizeof *senses);
        char *text = tj_xmalloc(ENTRY_READ_MAX);
        size_t n = 0;
        bool ok = true;
        for (uint32_t e = head; e != NONE && n < SENSES_MAX; e = d->entries[e].next) {
            size_t len = d->entries[e].len < ENTRY_READ_MAX ? d->entries[e].len : ENTRY_READ_MAX;
            if (!read_def(d, d->entries[e].off, len, text)) {
                ok = false;
                break;
            }
            parse_senses(text, len, senses, &n);
        }
        h->gloss = ok ? choose_gloss(senses, n) : NULL;
        h->state = h->gloss ? GLOSS_FOUND : GLOSS_NONE;
        /* A read error may be transient (an interrupted read): try again next time. */
        if (!ok)
            h->state = GLOSS_UNKNOWN;
        free(text);
        free(senses);
    }
    bool found = h->state == GLOSS_FOUND;
    if (found)
        *out = h->gloss;
    pthread_mutex_unlock(&d->lock);
    return found;
}
