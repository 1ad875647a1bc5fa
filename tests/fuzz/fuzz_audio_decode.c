/* fuzz_audio_decode.c: libFuzzer target for audio file decoding
 * (audio_decode: libsndfile, downmix, libsamplerate), as for a prompt or a
 * file a script names: the first byte picks the extension (wav, pcmu,
 * pcma, l16) and the rate (8 or 16 kHz), the rest is the file, in a memfd. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include "audio/audio_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "f.wav", "f.pcmu", "f.pcma",
					     "f.l16", "f.L16", "f.wav" };
	char err[256];
	int16_t *pcm = NULL;
	size_t n = 0;
	int fd;

	if (size < 1)
		return 0;
	fd = memfd_create("fuzz.audio", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data + 1, size - 1) == (ssize_t)(size - 1) &&
	    lseek(fd, 0, SEEK_SET) == 0 &&
	    !audio_decode(fd, names[(data[0] & 0x7f) % 6],
			  data[0] & 0x80 ? 16000 : 8000, &pcm, &n, err,
			  sizeof(err)))
		free(pcm);
	close(fd);
	return 0;
}
