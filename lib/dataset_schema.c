/*
 * The record formats we recognise and their schema checks:
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

int hm__record_class(const json_t *v)
{
	if (!json_is_object(v))
		return HM__CLS_GENERIC;
	if (json_object_get(v, "messages"))
		return HM__CLS_CHAT;
	if (json_object_get(v, "conversations"))
		return HM__CLS_SHAREGPT;
	if (json_object_get(v, "instruction") || json_object_get(v, "output"))
		return HM__CLS_ALPACA;
	return HM__CLS_GENERIC;
}

#define BIT(k) (1u << (k))

static int role_known(const char *r)
{
	static const char *const roles[] = { "system", "developer", "user", "assistant", "tool",
					     "function" };
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(r, roles[i]) == 0)
			return 1;
	return 0;
}

/* Content parts: [{"type": "text", "text": ...}, {"type": "image_url", ...}, ...]. */
static int parts_valid(const json_t *a)
{
	size_t i;

	if (json_array_size(a) == 0)
		return 0;
	for (i = 0; i < json_array_size(a); i++) {
		const json_t *p = json_array_get(a, i);
		if (!json_is_object(p) || !hm__json_str(p, "type"))
			return 0;
	}
	return 1;
}

static uint32_t check_message(const json_t *m, int *assistant)
{
	const json_t *role = json_object_get(m, "role"), *content;
	uint32_t e = 0;
	int calls;

	if (!json_is_object(m))
		return BIT(HM__K_MESSAGE_NOT_OBJECT);
	if (!role)
		e |= BIT(HM__K_MISSING_ROLE);
	else if (!json_is_string(role) || !role_known(json_string_value(role)))
		e |= BIT(HM__K_INVALID_ROLE);
	else if (strcmp(json_string_value(role), "assistant") == 0)
		*assistant = 1;
	/* An assistant message that calls tools may have no content. */
	calls = json_object_get(m, "tool_calls") || json_object_get(m, "function_call");
	content = json_object_get(m, "content");
	if (!content) {
		if (!calls)
			e |= BIT(HM__K_MISSING_CONTENT);
	} else if (json_is_null(content)) {
		if (!calls)
			e |= BIT(HM__K_CONTENT_NOT_STRING);
	} else if (!json_is_string(content) && !(json_is_array(content) && parts_valid(content))) {
		e |= BIT(HM__K_CONTENT_NOT_STRING);
	}
	return e;
}

uint32_t hm__check_chat(const json_t *v)
{
	const json_t *msgs = json_object_get(v, "messages");
	uint32_t e = 0;
	int assistant = 0;
	size_t i;

	if (!json_is_array(msgs))
		return BIT(HM__K_MESSAGES_NOT_ARRAY);
	if (json_array_size(msgs) == 0)
		return BIT(HM__K_MESSAGES_EMPTY);
	for (i = 0; i < json_array_size(msgs); i++)
		e |= check_message(json_array_get(msgs, i), &assistant);
	if (!assistant)
		e |= BIT(HM__K_NO_ASSISTANT_MESSAGE);
	return e;
}

/*
 * ShareGPT speakers, as the tools that train on it name them (FastChat,
 * LLaMA-Factory, Axolotl): human/gpt/system, the chat names, and the tool
 * turns function_call/observation.
 */
static int speaker(const char *from, int *model)
{
	static const char *const others[] = { "human", "user", "system", "observation", "tool" };
	static const char *const models[] = { "gpt", "assistant", "function_call" };
	size_t i;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (strcmp(from, models[i]) == 0) {
			*model = 1;
			return 1;
		}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (strcmp(from, others[i]) == 0)
			return 1;
	return 0;
}

uint32_t hm__check_sharegpt(const json_t *v)
{
	const json_t *turns = json_object_get(v, "conversations");
	uint32_t e = 0;
	int model = 0;
	size_t i;

	if (!json_is_array(turns))
		return BIT(HM__K_MESSAGES_NOT_ARRAY);
	if (json_array_size(turns) == 0)
		return BIT(HM__K_MESSAGES_EMPTY);
	for (i = 0; i < json_array_size(turns); i++) {
		const json_t *t = json_array_get(turns, i), *from, *value;

		if (!json_is_object(t)) {
			e |= BIT(HM__K_MESSAGE_NOT_OBJECT);
			continue;
		}
		from = json_object_get(t, "from");
		value = json_object_get(t, "value");
		if (!from)
			e |= BIT(HM__K_MISSING_ROLE);
		else if (!json_is_string(from) || !speaker(json_string_value(from), &model))
			e |= BIT(HM__K_INVALID_ROLE);
		if (!value)
			e |= BIT(HM__K_MISSING_CONTENT);
		else if (!json_is_string(value))
			e |= BIT(HM__K_CONTENT_NOT_STRING);
	}
	if (!model)
		e |= BIT(HM__K_NO_ASSISTANT_MESSAGE);
	return e;
}

/* One Alpaca field: absent, not a string, blank (when blank_kind >= 0). */
static uint32_t check_field(const json_t *v, const char *key, int missing_kind, int type_kind,
			    int blank_kind)
{
	const json_t *f = json_object_get(v, key);

	if (!f)
		return missing_kind >= 0 ? BIT(missing_kind) : 0;
	if (!json_is_string(f))
		return BIT(type_kind);
	if (blank_kind >= 0 && hm__is_blank(json_string_value(f), json_string_length(f)))
		return BIT(blank_kind);
	return 0;
}

uint32_t hm__check_alpaca(const json_t *v)
{
	return check_field(v, "instruction", HM__K_MISSING_INSTRUCTION, HM__K_INSTRUCTION_NOT_STRING,
			   HM__K_EMPTY_INSTRUCTION) |
	       check_field(v, "input", -1, HM__K_INPUT_NOT_STRING, -1) |
	       check_field(v, "output", HM__K_MISSING_OUTPUT, HM__K_OUTPUT_NOT_STRING,
			   HM__K_EMPTY_OUTPUT);
}
