/* test_record.c: recording calls to files: the ring buffer, the formats
 * by name, resampling, time limits, sync and write errors
 * (src/core/audio/audio_record.c). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sndfile.h>
#include <sems/audio.h>
#include "audio/audio_internal.h"
#include "audio/audio_ring.h"

static char dir[64];
static char path[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sems_test_record_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	audio_record_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *in_dir(const char *name)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static struct sems_audio *open_rec(const char *name)
{
	struct sems_audio *a = NULL;
	char err[256] = "";

	ck_assert_msg(sems_audio_open(&a, in_dir(name), SEMS_AUDIO_WRITE, err,
				      sizeof(err)) == 0, "%s", err);
	return a;
}

/* Writes `ms` of a 1 kHz tone in 20 ms frames; false if a write said
 * the recording is complete. */
static bool write_tone(struct sems_audio *a, unsigned rate, unsigned ms)
{
	size_t frame = rate / 50;
	int16_t buf[320];
	bool more = true;

	for (size_t i = 0; i < (size_t)ms / 20; i++) {
		for (size_t k = 0; k < frame; k++) {
			double t = (double)(i * frame + k) / rate;
			buf[k] = (int16_t)(12000 * sin(2 * M_PI * 1000 * t));
		}
		more = sems_audio_write(a, buf, frame, rate) && more;
	}
	return more;
}

/* The file's samples (malloc()ed) and its info; raw files as `raw`. */
static short *read_back(const char *file, int raw, SF_INFO *info)
{
	SNDFILE *sf;
	short *pcm;

	memset(info, 0, sizeof(*info));
	if (raw) {
		info->samplerate = 8000;
		info->channels = 1;
		info->format = raw;
	}
	sf = sf_open(file, SFM_READ, info);
	ck_assert_msg(sf != NULL, "%s: %s", file, sf_strerror(NULL));
	pcm = malloc(((size_t)info->frames + 1) * sizeof(*pcm));
	ck_assert_int_eq(sf_readf_short(sf, pcm, info->frames), info->frames);
	sf_close(sf);
	return pcm;
}

/* Share of the signal's energy at `freq` (Goertzel): 1.0 for a pure
 * tone at that frequency. */
static double energy_share(const short *pcm, size_t n, double freq)
{
	double c = 2 * cos(2 * M_PI * freq / 8000), s1 = 0, s2 = 0, total = 0;

	for (size_t i = 0; i < n; i++) {
		double s = pcm[i] + c * s1 - s2;

		s2 = s1;
		s1 = s;
		total += (double)pcm[i] * pcm[i];
	}
	return total ? (s1 * s1 + s2 * s2 - c * s1 * s2) * 2 / n / total : 0;
}

static void check_tone_file(const char *file, int format)
{
	SF_INFO info;
	short *pcm = read_back(file, 0, &info);

	ck_assert_int_eq(info.format, format);
	ck_assert_int_eq(info.samplerate, 8000);
	ck_assert_int_eq(info.channels, 1);
	ck_assert_msg(labs((long)info.frames - 8000) <= 160, "frames %ld",
		      (long)info.frames);
	ck_assert_msg(energy_share(pcm + 200, 7000, 1000) > 0.9,
		      "not the tone: %f", energy_share(pcm + 200, 7000, 1000));
	free(pcm);
}

static void record_second(const char *name, unsigned rate)
{
	struct sems_audio *a = open_rec(name);

	ck_assert(sems_audio_is_recording(a));
	ck_assert(write_tone(a, rate, 1000));
	sems_audio_deref(a);
	audio_record_shutdown();
}

START_TEST(the_ring_wraps_around)
{
	int16_t buf[8], in[6] = { 1, 2, 3, 4, 5, 6 }, out[8];
	struct audio_ring r;

	audio_ring_init(&r, buf, 8);
	ck_assert_uint_eq(audio_ring_push(&r, in, 5), 5);
	ck_assert_uint_eq(audio_ring_pop(&r, out, 8), 5);
	ck_assert_uint_eq(audio_ring_push(&r, in, 6), 6);   /* slots 5..2 */
	ck_assert_uint_eq(audio_ring_used(&r), 6);
	ck_assert_uint_eq(audio_ring_pop(&r, out, 4), 4);
	ck_assert_uint_eq(audio_ring_pop(&r, out + 4, 8), 2);
	ck_assert_mem_eq(out, in, sizeof(in));
	ck_assert_uint_eq(audio_ring_used(&r), 0);
	ck_assert_uint_eq(audio_ring_dropped(&r), 0);
}
END_TEST

START_TEST(a_full_ring_drops_and_counts_what_does_not_fit)
{
	int16_t buf[8], in[10], out[10];
	struct audio_ring r;

	for (int i = 0; i < 10; i++)
		in[i] = (int16_t)(i + 1);
	audio_ring_init(&r, buf, 8);
	ck_assert_uint_eq(audio_ring_push(&r, in, 3), 3);
	ck_assert_uint_eq(audio_ring_pop(&r, out, 2), 2);  /* start at slot 2 */
	ck_assert_uint_eq(audio_ring_push(&r, in + 3, 7), 7);
	ck_assert_uint_eq(audio_ring_space(&r), 0);
	ck_assert_uint_eq(audio_ring_push(&r, in, 4), 0);
	ck_assert_uint_eq(audio_ring_dropped(&r), 4);
	ck_assert_uint_eq(audio_ring_pop(&r, out, 10), 8);
	ck_assert_mem_eq(out, in + 2, 8 * sizeof(*in));
	ck_assert_uint_eq(audio_ring_push(&r, in, 10), 8);
	ck_assert_uint_eq(audio_ring_dropped(&r), 6);
}
END_TEST

START_TEST(a_second_of_tone_at_8khz_makes_an_8khz_pcm16_wav)
{
	record_second("tone.wav", 8000);
	check_tone_file(in_dir("tone.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}
END_TEST

/* The writer may be draining a recording when its last reference goes:
 * the samples pushed after that drain began must still reach the file
 * (a race once lost up to 250 ms at the end of a call's recording). */
enum { N_DROPPED = 200 };

START_TEST(a_recording_dropped_while_the_writer_drains_keeps_its_tail)
{
	char name[32];

	for (int i = 0; i < N_DROPPED; i++) {
		struct sems_audio *a;

		snprintf(name, sizeof(name), "drop%d.wav", i);
		a = open_rec(name);
		write_tone(a, 8000, 1000);
		sems_audio_deref(a);    /* wakes the writer as the next starts */
	}
	audio_record_shutdown();
	for (int i = 0; i < N_DROPPED; i++) {
		SF_INFO info;

		snprintf(name, sizeof(name), "drop%d.wav", i);
		free(read_back(in_dir(name), 0, &info));
		ck_assert_msg(info.frames == 8000, "%s: %ld frames of 8000", name,
			      (long)info.frames);
	}
}
END_TEST

START_TEST(a_second_of_tone_at_16khz_is_resampled_to_8khz)
{
	record_second("tone.wav", 16000);
	check_tone_file(in_dir("tone.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}
END_TEST

START_TEST(an_a_law_suffix_records_an_a_law_wav)
{
	record_second("tone.wav|A-Law", 8000);
	check_tone_file(in_dir("tone.wav"), SF_FORMAT_WAV | SF_FORMAT_ALAW);
	record_second("wide.wav|a-law", 16000);
	check_tone_file(in_dir("wide.wav"), SF_FORMAT_WAV | SF_FORMAT_ALAW);
}
END_TEST

START_TEST(a_mu_law_suffix_records_a_mu_law_wav)
{
	record_second("tone.wav|MU-LAW", 8000);
	check_tone_file(in_dir("tone.wav"), SF_FORMAT_WAV | SF_FORMAT_ULAW);
}
END_TEST

START_TEST(raw_extensions_record_headerless_8khz_files)
{
	static const struct { const char *name; int format; off_t size; } tab[] = {
		{ "x.pcmu", SF_FORMAT_RAW | SF_FORMAT_ULAW, 8000 },
		{ "x.pcma", SF_FORMAT_RAW | SF_FORMAT_ALAW, 8000 },
		{ "x.l16", SF_FORMAT_RAW | SF_FORMAT_PCM_16 | SF_ENDIAN_LITTLE,
		  16000 },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct stat st;
		SF_INFO info;
		short *pcm;

		record_second(tab[i].name, 8000);
		ck_assert_int_eq(stat(in_dir(tab[i].name), &st), 0);
		ck_assert_int_eq(st.st_size, tab[i].size);
		pcm = read_back(path, tab[i].format, &info);
		ck_assert(energy_share(pcm, 8000, 1000) > 0.9);
		free(pcm);
	}
}
END_TEST

START_TEST(an_unknown_extension_is_rejected_with_einval)
{
	struct sems_audio *a = (struct sems_audio *)1;
	char err[256] = "";
	char want[300];

	ck_assert_int_eq(sems_audio_open(&a, in_dir("x.mp3"), SEMS_AUDIO_WRITE,
					 err, sizeof(err)), EINVAL);
	ck_assert_ptr_null(a);
	snprintf(want, sizeof(want), "cannot record '%s': unknown format", path);
	ck_assert_msg(!strncmp(err, want, strlen(want)), "%s", err);
}
END_TEST

START_TEST(an_unknown_subtype_is_rejected_naming_file_and_subtype)
{
	struct sems_audio *a;
	char err[256] = "";

	ck_assert_int_eq(sems_audio_open(&a, in_dir("x.wav|GSM"),
					 SEMS_AUDIO_WRITE, err, sizeof(err)),
			 EINVAL);
	ck_assert_ptr_null(a);
	ck_assert_msg(strstr(err, "cannot record '") && strstr(err, "x.wav'")
		      && strstr(err, "'GSM'"), "%s", err);
	ck_assert_int_eq(sems_audio_open(&a, in_dir("x.pcmu|A-Law"),
					 SEMS_AUDIO_WRITE, err, sizeof(err)),
			 EINVAL);
}
END_TEST

START_TEST(the_record_time_ends_the_recording)
{
	struct sems_audio *a = open_rec("limit.wav");
	int16_t frame[160] = { 0 };
	SF_INFO info;
	int i;

	sems_audio_set_record_time(a, 500);
	for (i = 0; i < 100 && sems_audio_write(a, frame, 160, 8000); i++)
		;
	ck_assert_int_eq(i, 24);    /* the 25th frame completes 500 ms */
	ck_assert(!sems_audio_write(a, frame, 160, 8000));
	ck_assert_uint_eq(sems_audio_data_size(a), 8000);
	sems_audio_deref(a);
	audio_record_shutdown();
	free(read_back(in_dir("limit.wav"), 0, &info));
	ck_assert_int_eq(info.frames, 4000);
}
END_TEST

START_TEST(the_record_time_counts_wideband_audio_in_ms)
{
	struct sems_audio *a = open_rec("limit.wav");

	sems_audio_set_record_time(a, 500);
	ck_assert(!write_tone(a, 16000, 1000));
	ck_assert_uint_eq(sems_audio_data_size(a), 8000);
	sems_audio_deref(a);
}
END_TEST

START_TEST(silence_for_the_set_time_ends_the_recording)
{
	struct sems_audio *a = open_rec("quiet.wav");
	int16_t quiet[160] = { 0 };
	int i;

	sems_audio_set_silence_end(a, 1000);
	ck_assert(write_tone(a, 8000, 2000));       /* talking: goes on */
	for (i = 0; i < 20; i++)
		ck_assert(sems_audio_write(a, quiet, 160, 8000));
	ck_assert(write_tone(a, 8000, 100));        /* talking again */
	for (i = 0; i < 100 && sems_audio_write(a, quiet, 160, 8000); i++)
		;
	ck_assert_int_eq(i, 49);    /* the 50th quiet frame makes 1 s */
	ck_assert(sems_audio_ended_by_silence(a));
	ck_assert(!sems_audio_write(a, quiet, 160, 8000));
	sems_audio_deref(a);
}
END_TEST

START_TEST(the_record_time_is_not_an_end_by_silence)
{
	struct sems_audio *a = open_rec("max.wav");

	sems_audio_set_record_time(a, 500);
	sems_audio_set_silence_end(a, 1000);
	ck_assert(!write_tone(a, 8000, 1000));
	ck_assert(!sems_audio_ended_by_silence(a));
	sems_audio_deref(a);
}
END_TEST

START_TEST(data_size_is_in_the_file_format)
{
	struct sems_audio *pcm = open_rec("a.wav");
	struct sems_audio *alaw = open_rec("b.wav|A-Law");
	struct sems_audio *wide = open_rec("c.l16");

	write_tone(pcm, 8000, 1000);
	write_tone(alaw, 8000, 1000);
	write_tone(wide, 16000, 1000);
	ck_assert_uint_eq(sems_audio_data_size(pcm), 16000);
	ck_assert_uint_eq(sems_audio_data_size(alaw), 8000);
	ck_assert_uint_eq(sems_audio_data_size(wide), 16000);
	sems_audio_deref(pcm);
	sems_audio_deref(alaw);
	sems_audio_deref(wide);
}
END_TEST

START_TEST(the_header_is_valid_after_sync_while_recording)
{
	struct sems_audio *a = open_rec("live.wav");
	SF_INFO info;

	write_tone(a, 8000, 500);
	ck_assert_int_eq(sems_audio_sync(a), 0);
	free(read_back(in_dir("live.wav"), 0, &info));
	ck_assert_int_eq(info.frames, 4000);
	write_tone(a, 16000, 500);
	ck_assert_int_eq(sems_audio_sync(a), 0);
	free(read_back(in_dir("live.wav"), 0, &info));
	ck_assert_msg(labs((long)info.frames - 8000) <= 160, "frames %ld",
		      (long)info.frames);
	sems_audio_deref(a);
}
END_TEST

START_TEST(dup_fd_gives_a_readable_copy_while_recording)
{
	struct sems_audio *a = open_rec("dup.wav");
	SF_INFO info = { 0 };
	SNDFILE *sf;
	int fd;

	write_tone(a, 8000, 500);
	fd = sems_audio_dup_fd(a);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 0);
	sf = sf_open_fd(fd, SFM_READ, &info, SF_TRUE);
	ck_assert_ptr_nonnull(sf);
	ck_assert_int_eq(info.frames, 4000);
	sf_close(sf);
	write_tone(a, 8000, 500);   /* the recording goes on undisturbed */
	sems_audio_deref(a);
	audio_record_shutdown();
	check_tone_file(in_dir("dup.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}
END_TEST

START_TEST(a_recording_through_a_callers_fd_keeps_that_fd)
{
	struct sems_audio *a;
	char err[256] = "";
	int fd = open(in_dir("fd.wav"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sems_audio_open_fd(&a, fd, "msg.wav", SEMS_AUDIO_WRITE,
					    err, sizeof(err)), 0);
	write_tone(a, 8000, 1000);
	sems_audio_deref(a);
	audio_record_shutdown();
	ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
	close(fd);
	check_tone_file(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}
END_TEST

START_TEST(a_full_device_fails_at_open_naming_the_file)
{
	struct sems_audio *a;
	char err[256] = "";
	int fd = open("/dev/full", O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sems_audio_open_fd(&a, fd, "x.wav", SEMS_AUDIO_WRITE,
					    err, sizeof(err)), ENOSPC);
	ck_assert_ptr_null(a);
	ck_assert_str_eq(err, "cannot record 'x.wav': No space left on device");
	close(fd);
	audio_record_shutdown();
}
END_TEST

/* Runs with stderr (the log) in `log`; returns what was logged. */
static char *read_log(const char *log)
{
	static char text[4096];
	FILE *f = fopen(log, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	return text;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

START_TEST(a_write_error_is_logged_once_and_stops_only_that_recording)
{
	struct rlimit small, old;
	struct sems_audio *bad, *good;
	char log[300], want[400];
	int saved = dup(2), fd;

	snprintf(log, sizeof(log), "%s/log", dir);
	good = open_rec("good.wav");
	bad = open_rec("big.wav");
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	small = (struct rlimit){ 4096, old.rlim_max };
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fflush(stderr);
	dup2(fd, 2);
	setrlimit(RLIMIT_FSIZE, &small);   /* big.wav: 4 KB, then EFBIG */
	ck_assert(write_tone(bad, 8000, 1000));
	ck_assert_int_eq(sems_audio_sync(bad), EFBIG);
	ck_assert(write_tone(bad, 8000, 1000));
	ck_assert_int_eq(sems_audio_sync(bad), EFBIG);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	write_tone(good, 8000, 1000);
	ck_assert_int_eq(sems_audio_sync(good), 0);
	sems_audio_deref(bad);
	sems_audio_deref(good);
	audio_record_shutdown();
	fflush(stderr);
	dup2(saved, 2);
	close(fd);
	snprintf(want, sizeof(want), "recording '%s/big.wav': write failed: %s",
		 dir, strerror(EFBIG));
	ck_assert_msg(count(read_log(log), want) == 1, "log: %s", read_log(log));
	check_tone_file(in_dir("good.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}
END_TEST

START_TEST(shutdown_closes_recordings_still_held_and_can_restart)
{
	struct sems_audio *a = open_rec("held.wav");

	audio_record_shutdown();    /* closed: the deref frees it */
	sems_audio_deref(a);
	a = open_rec("held.wav");
	write_tone(a, 8000, 1000);
	audio_record_shutdown();
	audio_record_shutdown();
	ck_assert(!sems_audio_write(a, (int16_t[160]){ 0 }, 160, 8000));
	ck_assert_int_eq(sems_audio_sync(a), 0);
	ck_assert_int_eq(sems_audio_dup_fd(a), -1);
	check_tone_file(in_dir("held.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
	sems_audio_deref(a);
	record_second("again.wav", 8000);   /* a new writer */
	check_tone_file(in_dir("again.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}
END_TEST

Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *ring = tcase_create("ring");
	TCase *tc = tcase_create("file");

	tcase_add_test(ring, the_ring_wraps_around);
	tcase_add_test(ring, a_full_ring_drops_and_counts_what_does_not_fit);
	suite_add_tcase(s, ring);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_second_of_tone_at_8khz_makes_an_8khz_pcm16_wav);
	tcase_add_test(tc, a_second_of_tone_at_16khz_is_resampled_to_8khz);
	tcase_add_test(tc, a_recording_dropped_while_the_writer_drains_keeps_its_tail);
	tcase_add_test(tc, an_a_law_suffix_records_an_a_law_wav);
	tcase_add_test(tc, a_mu_law_suffix_records_a_mu_law_wav);
	tcase_add_test(tc, raw_extensions_record_headerless_8khz_files);
	tcase_add_test(tc, an_unknown_extension_is_rejected_with_einval);
	tcase_add_test(tc, an_unknown_subtype_is_rejected_naming_file_and_subtype);
	tcase_add_test(tc, the_record_time_ends_the_recording);
	tcase_add_test(tc, the_record_time_counts_wideband_audio_in_ms);
	tcase_add_test(tc, silence_for_the_set_time_ends_the_recording);
	tcase_add_test(tc, the_record_time_is_not_an_end_by_silence);
	tcase_add_test(tc, data_size_is_in_the_file_format);
	tcase_add_test(tc, the_header_is_valid_after_sync_while_recording);
	tcase_add_test(tc, dup_fd_gives_a_readable_copy_while_recording);
	tcase_add_test(tc, a_recording_through_a_callers_fd_keeps_that_fd);
	tcase_add_test(tc, a_full_device_fails_at_open_naming_the_file);
	tcase_add_test(tc, a_write_error_is_logged_once_and_stops_only_that_recording);
	tcase_add_test(tc, shutdown_closes_recordings_still_held_and_can_restart);
	suite_add_tcase(s, tc);
	return s;
}
