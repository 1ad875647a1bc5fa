/* dtmf_keys.c: SEMS key codes and their characters. */
#include "dtmf/dtmf.h"

static const char key_chars[] = "0123456789*#ABCD";

int dtmf_char_to_key(char c)
{
	if (c >= 'a' && c <= 'd')
		c = (char)(c - 'a' + 'A');
	for (int k = 0; k <= DTMF_KEY_MAX; k++)
		if (key_chars[k] == c)
			return k;
	return -1;
}

char dtmf_key_to_char(int key)
{
	if (key < 0 || key > DTMF_KEY_MAX)
		return '?';
	return key_chars[key];
}
