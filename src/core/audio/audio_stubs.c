/* audio_stubs.c: TEMPORARY placeholders until the recorder, TTS, null
 * and mix-in kinds land (branches record, mixtts); deleted then. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "audio/audio_internal.h"

int audio_record_open(struct sems_audio **ap, int fd, const char *path,
		      char *errbuf, size_t errlen)
{
	close(fd);
	*ap = NULL;
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "cannot record '%s': not supported yet", path);
	return ENOTSUP;
}

void audio_record_shutdown(void) {}
