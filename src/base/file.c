#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

int file_read(const char *path, size_t max, char **out, size_t *len, mode_t *mode)
{
	int ret = -1, fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	*out = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		goto cleanup;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto cleanup;
	}
	if ((size_t)st.st_size > max) {
		errno = EFBIG;
		goto cleanup;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto cleanup;
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > (size_t)st.st_size) { /* grew while we read it */
			errno = EFBIG;
			goto cleanup;
		}
	}
	buf[got] = '\0';
	*len = got;
	if (mode)
		*mode = st.st_mode & 07777;
	*out = buf;
	buf = NULL;
	ret = 0;
cleanup:
	free(buf);
	int saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path, so the new name is durable too. */
static int sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xasprintf("%.*s", (int)(slash - path) + (slash == path), path) : xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int file_create(const char *path, mode_t mode, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		int saved = errno;
		close(fd);
		unlink(path);
		errno = saved;
		return -1;
	}
	if (close(fd) != 0 || sync_dir(path) != 0) {
		int saved = errno;
		unlink(path);
		errno = saved;
		return -1;
	}
	return 0;
}
