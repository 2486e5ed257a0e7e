/* bsonval.h: JSON values as BSON, encoded as pymongo encodes what Python's json.loads reads
 * (Sacred's MongoObserver hands pymongo exactly that): ints as int32 when they fit, else
 * int64, floats (NaN, infinities too) as doubles, keys made valid as Sacred's
 * force_valid_bson_key makes them, text always valid UTF-8. Never prints. */
#ifndef SR_BSONVAL_H
#define SR_BSONVAL_H

#include <stddef.h>

#include <bson/bson.h>
#include <cjson/cJSON.h>

/* Appends item (a tree json_parse_typed made: integers are raw nodes) under key. */
void bsonval_append(bson_t *b, const char *key, const cJSON *item);
/* The JSON number text[0..n) as written ("3", "0.25", "1e999"). An integer beyond int64,
 * which pymongo cannot encode, becomes its digits as a string (force_bson_encodeable). */
void bsonval_append_number(bson_t *b, const char *key, const char *text, size_t n);
/* text[0..n), each byte that is not valid UTF-8 replaced by U+FFFD. */
void bsonval_append_text(bson_t *b, const char *key, const char *text, size_t n);
/* Sacred's naive UTC timestamp ("2026-11-29T13:31:57.632446") as a BSON date, its
 * microseconds cut to milliseconds as pymongo cuts them; other text stays text. */
void bsonval_append_time(bson_t *b, const char *key, const char *iso);
/* Appends member (an element of an object) under its key, made valid. */
void bsonval_append_member(bson_t *b, const cJSON *member);
/* The key of an array's element i ("0", "1", ...), in buf or a static string. */
const char *bsonval_index(uint32_t i, char buf[16]);

#endif
