/* Normalisation of one text in a single pass, with the original index of every output
 * character: the compiled path of rules/normalise.py, which stays the definition (and the
 * fallback where no C compiler was available at install time). Also the locate stage of the
 * engine's scan (`locate`, at the end), for the same reason: it runs on every page.
 *
 * configure(table, classes) takes the tables normalise.py builds from unicodedata and the
 * OpenCC data: `table` maps each code point below TABLE_SIZE to its folded code point (NFKC,
 * traditional to simplified, A-Z lowercased), or to SLOW when its NFKC form is not one
 * character; `classes` gives each folded code point's class bits (noise, zero-width, Han).
 *
 * normalise(text) folds every character, then deletes what normalise.py's deletion regex
 * deletes, reading the folded text as that regex does:
 *   - a run of 1-3 noise characters right after a Han character and right before one;
 *   - otherwise, a run of zero-width characters.
 * It returns (normalised text, original index of each of its characters as native unsigned
 * 32-bit integers), or None when the text holds a character whose NFKC form is longer than
 * one character, or what may be a toned pinyin annotation after a Han character ("國(guó)",
 * "國(guo2)"): normalise.py handles those texts itself.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define TABLE_SIZE 0x30000
#define SLOW 0xFFFFFFFFu
#define NOISE 1
#define ZERO_WIDTH 2
#define HAN 4
#define TONE 8 /* a pinyin vowel with a tone mark */

static Py_buffer table_view;
static Py_buffer classes_view;
static int configured = 0;

/* The main CJK block, whose characters are of class HAN alone (configure() checks): most
 * characters of a page, so their class is known without a table read. */
#define CJK_FIRST 0x4E00u
#define CJK_LAST 0x9FFFu

static inline uint8_t class_of(const uint8_t *classes, uint32_t cp) {
    if (cp - CJK_FIRST <= CJK_LAST - CJK_FIRST) return HAN;
    return cp < TABLE_SIZE ? classes[cp] : 0;
}

static PyObject *configure(PyObject *self, PyObject *args) {
    Py_buffer table, classes;
    if (!PyArg_ParseTuple(args, "y*y*", &table, &classes)) return NULL;
    if (table.len != (Py_ssize_t)(TABLE_SIZE * sizeof(uint32_t)) || classes.len != TABLE_SIZE) {
        PyBuffer_Release(&table);
        PyBuffer_Release(&classes);
        PyErr_SetString(PyExc_ValueError, "table or classes of the wrong size");
        return NULL;
    }
    for (uint32_t cp = CJK_FIRST; cp <= CJK_LAST; cp++) {
        if (((const uint8_t *)classes.buf)[cp] != HAN) {
            PyBuffer_Release(&table);
            PyBuffer_Release(&classes);
            PyErr_SetString(PyExc_ValueError, "the CJK block must be of class HAN alone");
            return NULL;
        }
    }
    if (configured) {
        PyBuffer_Release(&table_view);
        PyBuffer_Release(&classes_view);
    }
    table_view = table;  /* keeps the bytes objects alive while in use */
    classes_view = classes;
    configured = 1;
    Py_RETURN_NONE;
}

/* Reads `count` characters of `text` from `at` into `stage` (folded) and `original` (as they
 * are); 0 when one has an NFKC form longer than one character. */
static int fold(PyObject *text, uint32_t *stage, uint32_t *original, Py_ssize_t count) {
    const uint32_t *table = (const uint32_t *)table_view.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
#define FOLD(TYPE)                                                         \
    for (Py_ssize_t i = 0; i < count; i++) {                               \
        uint32_t cp = ((const TYPE *)data)[i];                             \
        uint32_t folded = cp < TABLE_SIZE ? table[cp] : cp;                \
        if (folded == SLOW) return 0;                                      \
        stage[i] = folded;                                                 \
        original[i] = cp;                                                  \
    }
    if (kind == PyUnicode_1BYTE_KIND) {
        FOLD(Py_UCS1)
    } else if (kind == PyUnicode_2BYTE_KIND) {
        FOLD(Py_UCS2)
    } else {
        FOLD(Py_UCS4)
    }
#undef FOLD
    return 1;
}

/* Whether the folded `stage` may hold a pinyin annotation: "(" right after a Han character
 * (of the original text, as rules/ruby.py reads it: some fold to characters outside the Han
 * ranges), then up to 7 characters holding a tone mark or a tone digit after a letter (ü
 * included) before ")". normalise.py judges those texts; every annotation ruby.py removes is
 * declined here, so a text this module normalises has none. */
static int may_be_annotated(const uint32_t *stage, const uint32_t *original, Py_ssize_t n) {
    const uint8_t *classes = (const uint8_t *)classes_view.buf;
    for (Py_ssize_t i = 1; i + 2 < n; i++) {
        if (stage[i] != '(' || !(class_of(classes, original[i - 1]) & HAN)) continue;
        for (Py_ssize_t j = i + 1; j < n && j <= i + 8; j++) {
            uint32_t c = stage[j];
            if (c == ')') break;
            int toned = class_of(classes, c) & TONE;
            uint32_t before = stage[j - 1];
            int letter = (before >= 'a' && before <= 'z') || before == 0xFC || before == 0xDC; /* ü Ü */
            int tone_digit = c >= '1' && c <= '5' && j + 1 < n && stage[j + 1] == ')' && letter;
            if (toned || tone_digit) return 1;
        }
    }
    return 0;
}

/* The deletion over the folded `stage`: (text, original indexes as uint32 bytes, or b"" when
 * nothing was deleted, and with `starts` a list: where each piece separated by a NUL starts
 * in the text). `original` is reused as the index buffer. */
static PyObject *delete_noise(uint32_t *stage, uint32_t *index, Py_ssize_t n, int starts) {
    const uint8_t *classes = (const uint8_t *)classes_view.buf;
    PyObject *piece_starts = starts ? PyList_New(0) : NULL;
    if (starts && !piece_starts) return NULL;
    if (piece_starts) {
        PyObject *zero = PyLong_FromLong(0);
        if (!zero || PyList_Append(piece_starts, zero) < 0) {
            Py_XDECREF(zero);
            Py_DECREF(piece_starts);
            return NULL;
        }
        Py_DECREF(zero);
    }
    Py_ssize_t m = 0;
    uint32_t maxchar = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        uint32_t cp = stage[i];
        uint8_t cls = class_of(classes, cp);
        if (cls & (NOISE | ZERO_WIDTH)) {
            if (i > 0 && (class_of(classes, stage[i - 1]) & HAN)) {
                Py_ssize_t run = 1;
                while (run < 4 && i + run < n && (class_of(classes, stage[i + run]) & (NOISE | ZERO_WIDTH))) run++;
                if (run <= 3 && i + run < n && (class_of(classes, stage[i + run]) & HAN)) {
                    i += run;
                    continue;
                }
            }
            if (cls & ZERO_WIDTH) {
                i++;
                while (i < n && (class_of(classes, stage[i]) & ZERO_WIDTH)) i++;
                continue;
            }
        }
        /* m <= i: the kept characters move down in place */
        stage[m] = cp;
        index[m] = (uint32_t)i;
        if (cp > maxchar) maxchar = cp;
        m++;
        i++;
        if (cp == 0 && piece_starts) {
            PyObject *at = PyLong_FromSsize_t(m);
            if (!at || PyList_Append(piece_starts, at) < 0) {
                Py_XDECREF(at);
                Py_DECREF(piece_starts);
                return NULL;
            }
            Py_DECREF(at);
        }
    }
    PyObject *text = PyUnicode_New(m, maxchar);
    PyObject *positions = NULL;
    if (text) {
        int out_kind = PyUnicode_KIND(text);
        void *out_data = PyUnicode_DATA(text);
        if (out_kind == PyUnicode_1BYTE_KIND) {
            for (Py_ssize_t k = 0; k < m; k++) ((Py_UCS1 *)out_data)[k] = (Py_UCS1)stage[k];
        } else if (out_kind == PyUnicode_2BYTE_KIND) {
            for (Py_ssize_t k = 0; k < m; k++) ((Py_UCS2 *)out_data)[k] = (Py_UCS2)stage[k];
        } else {
            memcpy(out_data, stage, m * sizeof(uint32_t));
        }
        positions = PyBytes_FromStringAndSize((const char *)index, m == n ? 0 : m * (Py_ssize_t)sizeof(uint32_t));
    }
    PyObject *result = NULL;
    if (text && positions) {
        result = piece_starts ? PyTuple_Pack(3, text, positions, piece_starts) : PyTuple_Pack(2, text, positions);
    }
    Py_XDECREF(text);
    Py_XDECREF(positions);
    Py_XDECREF(piece_starts);
    return result;
}

static int check_configured(void) {
    if (!configured) PyErr_SetString(PyExc_RuntimeError, "configure() first");
    return configured;
}

static PyObject *normalise(PyObject *self, PyObject *arg) {
    if (!check_configured()) return NULL;
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "a str is needed");
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(arg) < 0) return NULL; /* a no-op from 3.12 on, and deprecated */
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    uint32_t *stage = PyMem_Malloc((n ? n : 1) * sizeof(uint32_t));
    uint32_t *original = PyMem_Malloc((n ? n : 1) * sizeof(uint32_t));
    PyObject *result = NULL;
    if (!stage || !original) {
        PyErr_NoMemory();
    } else if (!fold(arg, stage, original, n) || may_be_annotated(stage, original, n)) {
        result = Py_NewRef(Py_None);
    } else {
        result = delete_noise(stage, original, n, 0);
    }
    PyMem_Free(stage);
    PyMem_Free(original);
    return result;
}

/* normalise_fields(texts): normalise() of the texts joined by NUL, with where each starts in
 * the result; None when normalise() would decline the joined text or a text holds a NUL. */
static PyObject *normalise_fields(PyObject *self, PyObject *arg) {
    if (!check_configured()) return NULL;
    if (!PyList_Check(arg) || PyList_GET_SIZE(arg) == 0) {
        PyErr_SetString(PyExc_TypeError, "a non-empty list of str is needed");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(arg);
    Py_ssize_t n = count - 1;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *text = PyList_GET_ITEM(arg, k);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "a non-empty list of str is needed");
            return NULL;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(text) < 0) return NULL;
#endif
        n += PyUnicode_GET_LENGTH(text);
    }
    uint32_t *stage = PyMem_Malloc((n ? n : 1) * sizeof(uint32_t));
    uint32_t *original = PyMem_Malloc((n ? n : 1) * sizeof(uint32_t));
    PyObject *result = NULL;
    if (!stage || !original) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *text = PyList_GET_ITEM(arg, k);
        Py_ssize_t length = PyUnicode_GET_LENGTH(text);
        if (k) {
            stage[at] = original[at] = 0;
            at++;
        }
        if (!fold(text, stage + at, original + at, length) ||
            (length && PyUnicode_FindChar(text, 0, 0, length, 1) >= 0)) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        at += length;
    }
    result = may_be_annotated(stage, original, n) ? Py_NewRef(Py_None) : delete_noise(stage, original, n, 1);
done:
    PyMem_Free(stage);
    PyMem_Free(original);
    return result;
}

/* locate(found, utf8, starts, pattern_gates, pattern_keywords, pattern_anchors, names): the
 * locate stage of rules/engine.py (`RuleSet.stage_locate`, which stays the definition and the
 * fallback), over the automaton's (pattern index, start, end) matches in the joined fields,
 * whose offsets are bytes of `utf8`, the joined fields as the automaton read them (UTF-8).
 * `starts` are where the fields start (characters); the three tuples give per pattern index
 * a tuple of gate ids, of keyword rule indexes and of anchor rule indexes, or None. Returns
 * (cands, anchored, gates): {(field, rule): [(start, end) in the field]} in match order,
 * {(field, rule)} anchored, {field name: {gate ids}}. */
static int add_pair(PyObject *container, int is_set, PyObject *field, PyObject *rule, PyObject *span) {
    PyObject *key = PyTuple_Pack(2, field, rule);
    if (!key) return -1;
    int rc;
    if (is_set) {
        rc = PySet_Add(container, key);
    } else {
        PyObject *spans = PyDict_GetItemWithError(container, key);
        if (spans) {
            rc = PyList_Append(spans, span);
        } else if (PyErr_Occurred()) {
            rc = -1;
        } else {
            spans = PyList_New(1);
            if (!spans) {
                Py_DECREF(key);
                return -1;
            }
            Py_INCREF(span);
            PyList_SET_ITEM(spans, 0, span);
            rc = PyDict_SetItem(container, key, spans);
            Py_DECREF(spans);
        }
    }
    Py_DECREF(key);
    return rc;
}

/* The character index of byte offset `b` of UTF-8 `s` (the characters that start before it),
 * walked from the previous answer (`*cb` bytes, `*cc` characters): matches come in order of
 * their ends, and a start lies a keyword's length before its end. */
static Py_ssize_t char_index(const unsigned char *s, Py_ssize_t b, Py_ssize_t *cb, Py_ssize_t *cc) {
    Py_ssize_t pb = *cb, pc = *cc;
    if (b >= pb) {
        for (; pb < b; pb++) pc += (s[pb] & 0xC0) != 0x80;
    } else {
        for (; pb > b; pb--) pc -= (s[pb - 1] & 0xC0) != 0x80;
    }
    *cb = pb;
    *cc = pc;
    return pc;
}

static PyObject *locate(PyObject *self, PyObject *args) {
    PyObject *found, *utf8, *starts, *pattern_gates, *pattern_keywords, *pattern_anchors, *names;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!O!", &PyList_Type, &found, &PyBytes_Type, &utf8, &PyList_Type, &starts,
                          &PyTuple_Type, &pattern_gates, &PyTuple_Type, &pattern_keywords, &PyTuple_Type,
                          &pattern_anchors, &PyList_Type, &names))
        return NULL;
    const unsigned char *bytes = (const unsigned char *)PyBytes_AS_STRING(utf8);
    Py_ssize_t size = PyBytes_GET_SIZE(utf8), cursor_byte = 0, cursor_char = 0;
    Py_ssize_t fields = PyList_GET_SIZE(starts);
    Py_ssize_t patterns = PyTuple_GET_SIZE(pattern_gates);
    if (fields < 1 || PyList_GET_SIZE(names) != fields || PyTuple_GET_SIZE(pattern_keywords) != patterns ||
        PyTuple_GET_SIZE(pattern_anchors) != patterns) {
        PyErr_SetString(PyExc_ValueError, "starts, names and the pattern tables disagree in length");
        return NULL;
    }
    Py_ssize_t *at = PyMem_Malloc(fields * sizeof(Py_ssize_t));
    if (!at) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < fields; i++) {
        at[i] = PyLong_AsSsize_t(PyList_GET_ITEM(starts, i));
        if (at[i] == -1 && PyErr_Occurred()) {
            PyMem_Free(at);
            return NULL;
        }
    }
    PyObject *cands = PyDict_New(), *anchored = PySet_New(NULL), *gates = PyDict_New();
    if (!cands || !anchored || !gates) goto fail;
    Py_ssize_t count = PyList_GET_SIZE(found);
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *match = PyList_GET_ITEM(found, k);
        if (!PyTuple_Check(match) || PyTuple_GET_SIZE(match) != 3) {
            PyErr_SetString(PyExc_TypeError, "matches are (pattern, start, end) tuples");
            goto fail;
        }
        Py_ssize_t p = PyLong_AsSsize_t(PyTuple_GET_ITEM(match, 0));
        Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(match, 1));
        Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(match, 2));
        if (PyErr_Occurred()) goto fail;
        if (p < 0 || p >= patterns) {
            PyErr_SetString(PyExc_IndexError, "pattern index out of range");
            goto fail;
        }
        if (start < 0 || start > end || end > size) {
            PyErr_SetString(PyExc_IndexError, "match offsets out of range");
            goto fail;
        }
        end = char_index(bytes, end, &cursor_byte, &cursor_char);
        start = char_index(bytes, start, &cursor_byte, &cursor_char);
        Py_ssize_t lo = 0, hi = fields; /* the last field starting at or before `start` */
        while (hi - lo > 1) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (at[mid] <= start) lo = mid;
            else hi = mid;
        }
        PyObject *field = PyLong_FromSsize_t(lo);
        if (!field) goto fail;
        PyObject *g = PyTuple_GET_ITEM(pattern_gates, p);
        if (g != Py_None) {
            PyObject *name = PyList_GET_ITEM(names, lo);
            PyObject *seen = PyDict_GetItemWithError(gates, name);
            if (!seen) {
                if (PyErr_Occurred() || !(seen = PySet_New(NULL)) || PyDict_SetItem(gates, name, seen) < 0) {
                    Py_XDECREF(seen);
                    Py_DECREF(field);
                    goto fail;
                }
                Py_DECREF(seen); /* the dict holds it */
            }
            for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(g); i++) {
                if (PySet_Add(seen, PyTuple_GET_ITEM(g, i)) < 0) {
                    Py_DECREF(field);
                    goto fail;
                }
            }
        }
        PyObject *rules = PyTuple_GET_ITEM(pattern_keywords, p);
        if (rules != Py_None) {
            PyObject *span = Py_BuildValue("(nn)", start - at[lo], end - at[lo]);
            if (!span) {
                Py_DECREF(field);
                goto fail;
            }
            for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(rules); i++) {
                if (add_pair(cands, 0, field, PyTuple_GET_ITEM(rules, i), span) < 0) {
                    Py_DECREF(span);
                    Py_DECREF(field);
                    goto fail;
                }
            }
            Py_DECREF(span);
        }
        rules = PyTuple_GET_ITEM(pattern_anchors, p);
        if (rules != Py_None) {
            for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(rules); i++) {
                if (add_pair(anchored, 1, field, PyTuple_GET_ITEM(rules, i), NULL) < 0) {
                    Py_DECREF(field);
                    goto fail;
                }
            }
        }
        Py_DECREF(field);
    }
    PyMem_Free(at);
    PyObject *result = PyTuple_Pack(3, cands, anchored, gates);
    Py_DECREF(cands);
    Py_DECREF(anchored);
    Py_DECREF(gates);
    return result;
fail:
    PyMem_Free(at);
    Py_XDECREF(cands);
    Py_XDECREF(anchored);
    Py_XDECREF(gates);
    return NULL;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS, "configure(table, classes): the tables normalise.py builds"},
    {"normalise", normalise, METH_O, "normalise(text) -> (text, original indexes as uint32 bytes or b'') or None"},
    {"normalise_fields", normalise_fields, METH_O, "normalise_fields(texts) -> (text, indexes, starts) or None"},
    {"locate", locate, METH_VARARGS,
     "locate(found, utf8, starts, gates, keywords, anchors, names) -> (cands, anchored, gates)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fastnorm", NULL, -1, methods};

/* VERSION: what rules/normalise.py checks a built module against (2: locate reads byte offsets). */
PyMODINIT_FUNC PyInit__fastnorm(void) {
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "VERSION", 2) < 0) Py_CLEAR(m);
    return m;
}
