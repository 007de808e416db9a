/*
 * The record formats we recognise and their schema checks, on a parsed
 * record's nodes (dataset_value.h):
 *  - OpenAI chat fine-tuning: {"messages":[{"role":..., "content":...}, ...]}
 *    with at least one assistant message; content is a string, an array of
 *    typed parts, or null/absent on an assistant message that calls tools.
 *  - ShareGPT: {"conversations":[{"from":..., "value": str}, ...]} with at
 *    least one model turn ("gpt", "assistant" or "function_call"); its
 *    problems count under the chat kinds (conversations ~ messages, from ~
 *    role, value ~ content, a model turn ~ an assistant message).
 *  - Alpaca: {"instruction": str, "input": str (optional), "output": str},
 *    instruction and output not blank.
 */
#include "dataset_impl.h"

#include <string.h>

const char *const hm__kind_names[HM__K_COUNT] = {
	"syntax", "oversized", "truncated", "trailing_data", "not_an_array",
	"field_count", "bad_quote", "unterminated_quote", "format_mismatch",
	"messages_not_array", "messages_empty", "message_not_object",
	"missing_role", "invalid_role", "missing_content", "content_not_string",
	"no_assistant_message", "missing_instruction", "instruction_not_string",
	"empty_instruction", "input_not_string", "missing_output",
	"output_not_string", "empty_output",
};

int hm__kind_of(const char *name)
{
	int i;

	for (i = 0; i < HM__K_COUNT; i++)
		if (strcmp(hm__kind_names[i], name) == 0)
			return i;
	return -1;
}

int hm__is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* Is node i a string equal to lit? */
static int str_is(const hm__value *v, uint32_t i, const char *lit)
{
	size_t n = strlen(lit);

	return v->v[i].type == HM__V_STRING && v->v[i].u.len == n && memcmp(v->v[i].s, lit, n) == 0;
}

int hm__record_class(const hm__value *v)
{
	if (v->v[0].type != HM__V_OBJECT)
		return HM__CLS_GENERIC;
	if (hm__value_get(v, 0, "messages"))
		return HM__CLS_CHAT;
	if (hm__value_get(v, 0, "conversations"))
		return HM__CLS_SHAREGPT;
	if (hm__value_get(v, 0, "instruction") || hm__value_get(v, 0, "output"))
		return HM__CLS_ALPACA;
	return HM__CLS_GENERIC;
}

#define BIT(k) (1u << (k))

static int role_known(const hm__value *v, uint32_t i)
{
	static const char *const roles[] = { "system", "developer", "user", "assistant", "tool",
					     "function" };
	size_t k;

	for (k = 0; k < sizeof(roles) / sizeof(roles[0]); k++)
		if (str_is(v, i, roles[k]))
			return 1;
	return 0;
}

/* Content parts: [{"type": "text", "text": ...}, {"type": "image_url", ...}, ...]. */
static int parts_valid(const hm__value *v, uint32_t a)
{
	uint32_t k, j = a + 1, t;

	if (v->v[a].n == 0)
		return 0;
	for (k = 0; k < v->v[a].n; k++, j = v->v[j].end)
		if (v->v[j].type != HM__V_OBJECT || !(t = hm__value_get(v, j, "type")) ||
		    v->v[t].type != HM__V_STRING)
			return 0;
	return 1;
}

static uint32_t check_message(const hm__value *v, uint32_t m, int *assistant)
{
	uint32_t role, content, e = 0;
	int calls;

	if (v->v[m].type != HM__V_OBJECT)
		return BIT(HM__K_MESSAGE_NOT_OBJECT);
	role = hm__value_get(v, m, "role");
	if (!role)
		e |= BIT(HM__K_MISSING_ROLE);
	else if (!role_known(v, role))
		e |= BIT(HM__K_INVALID_ROLE);
	else if (str_is(v, role, "assistant"))
		*assistant = 1;
	/* An assistant message that calls tools may have no content. */
	calls = hm__value_get(v, m, "tool_calls") || hm__value_get(v, m, "function_call");
	content = hm__value_get(v, m, "content");
	if (!content) {
		if (!calls)
			e |= BIT(HM__K_MISSING_CONTENT);
	} else if (v->v[content].type == HM__V_NULL) {
		if (!calls)
			e |= BIT(HM__K_CONTENT_NOT_STRING);
	} else if (v->v[content].type != HM__V_STRING &&
		   !(v->v[content].type == HM__V_ARRAY && parts_valid(v, content))) {
		e |= BIT(HM__K_CONTENT_NOT_STRING);
	}
	return e;
}

uint32_t hm__check_chat(const hm__value *v)
{
	uint32_t msgs = hm__value_get(v, 0, "messages"), e = 0, k, j;
	int assistant = 0;

	if (v->v[msgs].type != HM__V_ARRAY)
		return BIT(HM__K_MESSAGES_NOT_ARRAY);
	if (v->v[msgs].n == 0)
		return BIT(HM__K_MESSAGES_EMPTY);
	for (k = 0, j = msgs + 1; k < v->v[msgs].n; k++, j = v->v[j].end)
		e |= check_message(v, j, &assistant);
	if (!assistant)
		e |= BIT(HM__K_NO_ASSISTANT_MESSAGE);
	return e;
}

/*
 * ShareGPT speakers, as the tools that train on it name them (FastChat,
 * LLaMA-Factory, Axolotl): human/gpt/system, the chat names, and the tool
 * turns function_call/observation.
 */
static int speaker(const hm__value *v, uint32_t from, int *model)
{
	static const char *const others[] = { "human", "user", "system", "observation", "tool" };
	static const char *const models[] = { "gpt", "assistant", "function_call" };
	size_t i;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (str_is(v, from, models[i])) {
			*model = 1;
			return 1;
		}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (str_is(v, from, others[i]))
			return 1;
	return 0;
}

uint32_t hm__check_sharegpt(const hm__value *v)
{
	uint32_t turns = hm__value_get(v, 0, "conversations"), e = 0, k, t;
	int model = 0;

	if (v->v[turns].type != HM__V_ARRAY)
		return BIT(HM__K_MESSAGES_NOT_ARRAY);
	if (v->v[turns].n == 0)
		return BIT(HM__K_MESSAGES_EMPTY);
	for (k = 0, t = turns + 1; k < v->v[turns].n; k++, t = v->v[t].end) {
		uint32_t from, value;

		if (v->v[t].type != HM__V_OBJECT) {
			e |= BIT(HM__K_MESSAGE_NOT_OBJECT);
			continue;
		}
		from = hm__value_get(v, t, "from");
		value = hm__value_get(v, t, "value");
		if (!from)
			e |= BIT(HM__K_MISSING_ROLE);
		else if (!speaker(v, from, &model))
			e |= BIT(HM__K_INVALID_ROLE);
		if (!value)
			e |= BIT(HM__K_MISSING_CONTENT);
		else if (v->v[value].type != HM__V_STRING)
			e |= BIT(HM__K_CONTENT_NOT_STRING);
	}
	if (!model)
		e |= BIT(HM__K_NO_ASSISTANT_MESSAGE);
	return e;
}

/* One Alpaca field: absent, not a string, blank (when blank_kind >= 0). */
static uint32_t check_field(const hm__value *v, const char *key, int missing_kind,
			    int type_kind, int blank_kind)
{
	uint32_t f = hm__value_get(v, 0, key);

	if (!f)
		return missing_kind >= 0 ? BIT(missing_kind) : 0;
	if (v->v[f].type != HM__V_STRING)
		return BIT(type_kind);
	if (blank_kind >= 0 && hm__is_blank(v->v[f].s, v->v[f].u.len))
		return BIT(blank_kind);
	return 0;
}

uint32_t hm__check_alpaca(const hm__value *v)
{
	return check_field(v, "instruction", HM__K_MISSING_INSTRUCTION, HM__K_INSTRUCTION_NOT_STRING,
			   HM__K_EMPTY_INSTRUCTION) |
	       check_field(v, "input", -1, HM__K_INPUT_NOT_STRING, -1) |
	       check_field(v, "output", HM__K_MISSING_OUTPUT, HM__K_OUTPUT_NOT_STRING,
			   HM__K_EMPTY_OUTPUT);
}
