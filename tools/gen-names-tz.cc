// The exemplar cities of CLDR's time zones, for gen-names. ICU gives them only through its C++
// API (icu::TimeZoneNames::getExemplarLocationName); this file wraps that for the C tool.
#include "gen-names-tz.h"

#include <memory>
#include <string>

#include <unicode/locid.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>
#include <unicode/tznames.h>

extern "C" int gen_tz_exemplars(gen_tz_fn fn, void *ctx)
{
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::TimeZoneNames> ar(
        icu::TimeZoneNames::createInstance(icu::Locale("ar"), err));
    std::unique_ptr<icu::TimeZoneNames> en(
        icu::TimeZoneNames::createInstance(icu::Locale("en"), err));
    std::unique_ptr<icu::StringEnumeration> ids(icu::TimeZone::createTimeZoneIDEnumeration(
        UCAL_ZONE_TYPE_CANONICAL_LOCATION, nullptr, nullptr, err));
    if (U_FAILURE(err))
        return -1;
    const icu::UnicodeString *id;
    while ((id = ids->snext(err)) != nullptr && U_SUCCESS(err)) {
        icu::UnicodeString a, e;
        ar->getExemplarLocationName(*id, a);
        en->getExemplarLocationName(*id, e);
        char region[8] = "";
        icu::TimeZone::getRegion(*id, region, sizeof region, err);
        if (U_FAILURE(err))
            return -1;
        std::string zone, arabic, english;
        id->toUTF8String(zone);
        a.toUTF8String(arabic);
        e.toUTF8String(english);
        fn(zone.c_str(), region, arabic.c_str(), english.c_str(), ctx);
    }
    return U_FAILURE(err) ? -1 : 0;
}
