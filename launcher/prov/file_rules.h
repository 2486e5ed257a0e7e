/* file_rules.h: which files the program tree opened are recorded, and how large a file is
 * stored or copied: the --source/--exclude/--include/--artifact globs and the two limits. */
#ifndef SR_FILE_RULES_H
#define SR_FILE_RULES_H

struct file_rules {
    char **source;              /* --source GLOB: more files that count as sources */
    int nsource;
    char **exclude;             /* --exclude GLOB: files that are neither sources, resources nor artifacts */
    int nexclude;
    char **include;             /* --include GLOB: recorded even in system or hidden dirs */
    int ninclude;
    char **artifact;            /* --artifact GLOB: when given, the only written files kept */
    int nartifact;
    long long resource_limit;   /* --resource-limit SIZE: resources up to it are stored */
    long long artifact_limit;   /* --artifact-limit SIZE: written files up to it are copied */
    int list_private;           /* --list-private: private files opened go to private_files */
};

#endif
