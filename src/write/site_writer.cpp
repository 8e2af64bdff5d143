#include "write/site_writer.hpp"

#include "model/parallel.hpp"
#include "model/site_folders.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <new>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace nines {

namespace fs = std::filesystem;

namespace {

// The names of the writer's folders beside OUT (model/site_folders.hpp), unlike the `OUT.tmp-PID`
// and `OUT.old-PID` of older versions (`site.old-2024` is a backup).
const std::string k_temp_infix(k_writer_temp_infix);
const std::string k_old_infix(k_writer_old_infix);

constexpr mode_t k_file_mode = 0644;
constexpr mode_t k_dir_mode = 0755;

std::string pid_text() {
  return std::to_string(static_cast<long>(::getpid()));
}

// A zombie (killed, not yet reaped by its parent: a second or so under a slow init) has ended: it
// writes nothing more, so its folders are leftovers like those of a process gone.
bool zombie(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return false;
  // "PID (COMM) STATE ...": COMM may hold spaces and parentheses, so the state follows the last
  // ')'.
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

bool process_alive(long pid) {
  if (pid <= 0) return false;
  // EPERM: the process exists but belongs to someone else, so its directory is not ours to take.
  const bool exists = ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
  return exists && !zombie(pid);
}

std::string errno_text(int err) {
  return std::system_category().message(err);
}

std::int64_t mtime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// Whether the file `st` describes holds the bytes nines left in it as `f` records them: a plain
// file with its size, inode and modification time (the site's stamps; unknown ones match
// nothing). Its mode is another matter (has_mode): a chmod leaves the bytes as they were.
bool as_nines_left_it(const struct stat& st, const SiteManifest::File& f) {
  return f.ino != 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) == f.size &&
         static_cast<std::uint64_t>(st.st_ino) == f.ino && mtime_ns(st) == f.mtime_ns;
}

std::uint32_t permission_bits(const struct stat& st) {
  return static_cast<std::uint32_t>(st.st_mode & 07777);
}

// Whether the file `st` describes has the permission bits `mode` (0: not known, matches nothing).
bool has_mode(const struct stat& st, std::uint32_t mode) {
  return mode != 0 && permission_bits(st) == mode;
}

// The pid in the name of a temporary file `name` ends with: `what` (".tmp-"), then the pid and
// optionally "-N". -1 when it has no such end.
long pid_of_temp(std::string_view name, std::string_view what) {
  const std::size_t at = name.rfind(what);
  if (at == std::string_view::npos) return -1;
  std::string_view tail = name.substr(at + what.size());
  const auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (const std::size_t dash = tail.find('-'); dash != std::string_view::npos) {
    if (!digits(tail.substr(dash + 1))) return -1;
    tail = tail.substr(0, dash);
  }
  // No pid has more than 9 digits (Linux's limit is 2^22).
  return digits(tail) && tail.size() <= 9 ? std::stol(std::string(tail)) : -1;
}

// The process's umask, read without changing it: umask() reads it only by setting it, which would
// race with threads creating files. Unknown: every bit, so modes are always set explicitly.
mode_t current_umask() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Umask:", 0) == 0) {
      try {
        return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
      } catch (const std::exception&) {
        break;
      }
    }
  return 07777;
}

// Writes `bytes` to `path` with mode 0644 whatever the umask. `fresh`: the file cannot exist yet
// (a new file in the temporary tree), so it is created with its mode and changed only where the
// umask (`mask`, current_umask()) took bits away; otherwise whatever has the name (a leftover of
// a killed run, or a symbolic link planted there) is removed first and the file made anew, never
// written through a link to wherever it leads, and its mode set. One open, the writes and a close,
// where a stream and a chmod by path took more calls. `stamp`, when given, gets the file's inode,
// modification time and mode once written. `shown`, when given, is the file the user asked for,
// which a temporary `path` stands in for: errors then read "cannot write SHOWN: REASON", as every
// command's write errors do.
void write_bytes(const std::string& path, std::string_view bytes, bool fresh, mode_t mask,
                 SiteManifest::File* stamp = nullptr, const std::string* shown = nullptr) {
  auto error = [&](const char* what, int err) {
    return WriteError(shown ? "cannot write " + *shown + ": " + errno_text(err)
                            : path + ": " + what + ": " + errno_text(err));
  };
  if (!fresh && ::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw error("cannot be replaced", errno);
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, k_file_mode);
  if (fd < 0) throw error("cannot be created", errno);
  auto fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    throw error(what, err);
  };
  if ((!fresh || (mask & k_file_mode) != 0) && ::fchmod(fd, k_file_mode) != 0)
    fail("cannot set permissions");
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write failed");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (stamp) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail("cannot be read back");
    stamp->ino = static_cast<std::uint64_t>(st.st_ino);
    stamp->mtime_ns = mtime_ns(st);
    stamp->mode = permission_bits(st);
  }
  if (::close(fd) != 0) throw error("write failed", errno);
}

} // namespace

namespace {

// Locks `fd` for this process, waiting (and saying `waiting` on stderr) while another holds it.
// Returns `fd`, or -1 (closed) where the file system has no locks: the build goes on without.
int exclusive_lock(int fd, const std::string& waiting) {
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
  if (errno == EWOULDBLOCK) {
    std::cerr << "nines: " << waiting << "\n";
    while (::flock(fd, LOCK_EX) != 0)
      if (errno != EINTR) break;
    return fd;
  }
  ::close(fd);
  return -1;
}

} // namespace

BuildLock::BuildLock(const fs::path& lock_file) {
  std::error_code ec;
  fs::create_directories(lock_file.parent_path(), ec);
  m_fd = exclusive_lock(
      ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, k_file_mode),
      "waiting for another build of this repository to finish");
}

BuildLock::BuildLock(const fs::path& output, OutputFolder) {
  // The folder holding OUT, not OUT: a build swaps OUT for a new tree, and a lock on the old
  // one would not keep out a build that opens the new. Nothing is created for it.
  const fs::path parent = fs::absolute(output).lexically_normal().parent_path();
  m_fd = exclusive_lock(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC),
                        "waiting for another build into " + parent.string() + " to finish");
}

BuildLock::~BuildLock() {
  if (m_fd >= 0) ::close(m_fd); // closing releases the lock
}

// Puts on disk what was written into the file system holding `dir`: the new tree's files before
// the renames that swap it in, then the folder holding the renamed names. Without it a power cut
// just after a swap can leave the site's names pointing at files the disk never received, with
// the previous site already removed. One syncfs for the whole tree, not an fsync per file: on a
// RAM disk it costs nothing, on a disk it waits once for what the kernel would write anyway.
void flush_to_disk(const fs::path& dir, bool whole_file_system) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw WriteError(dir.string() + ": cannot be opened to flush it: " + errno_text(errno));
  const int rc = whole_file_system ? ::syncfs(fd) : ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // EINVAL: a file system that cannot sync (some FUSE and special ones); nothing to wait for.
  if (rc != 0 && err != EINVAL)
    throw WriteError(dir.string() + ": the new files cannot be put on disk: " + errno_text(err));
}

namespace {

// Creates the directory `path` (its parent exists) with mode 0755 whatever the umask `mask`.
// Errors name `shown` (default: the path itself).
void make_dir(const std::string& path, mode_t mask, const std::string& shown = {}) {
  const std::string& name = shown.empty() ? path : shown;
  if (::mkdir(path.c_str(), k_dir_mode) != 0)
    throw WriteError(name + ": cannot create directory: " + errno_text(errno));
  if ((mask & k_dir_mode) != 0 && ::chmod(path.c_str(), k_dir_mode) != 0)
    throw WriteError(name + ": cannot set permissions: " + errno_text(errno));
}

// Removing a tree. Entries are unlinked relative to their folder's descriptor (no walk from the
// root for each one) and, where the file system tells an entry's type, without a stat; symbolic
// links are removed, never followed, so nothing outside the tree is touched.
struct DirEntry {
  std::string name;
  unsigned char type; // d_type: DT_DIR, DT_REG, ..., DT_UNKNOWN
};

// The entries of the open directory `fd` (left open), without "." and "..".
std::vector<DirEntry> read_entries(int fd) {
  std::vector<DirEntry> out;
  const int copy = ::dup(fd); // closedir closes the descriptor it was given
  if (copy < 0) return out;
  DIR* d = ::fdopendir(copy);
  if (!d) {
    ::close(copy);
    return out;
  }
  while (const dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
      out.push_back({e->d_name, e->d_type});
  ::closedir(d);
  return out;
}

bool remove_entry(int parent_fd, const std::string& name, unsigned char type);

// Removes everything in the open directory `fd`, then closes it. All names are read before any
// is removed, so the directory is not changed while it is being read.
bool remove_contents(int fd) {
  bool ok = true;
  for (const DirEntry& e : read_entries(fd))
    ok = remove_entry(fd, e.name, e.type) && ok;
  ::close(fd);
  return ok;
}

// Removes the entry `name` of the directory `parent_fd`, and all below it if it is a directory.
bool remove_entry(int parent_fd, const std::string& name, unsigned char type) {
  if (type != DT_DIR) {
    if (::unlinkat(parent_fd, name.c_str(), 0) == 0 || errno == ENOENT) return true;
    if (errno != EISDIR && errno != EPERM) return false; // a directory: Linux EISDIR, POSIX EPERM
  }
  const int fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return true;
    // Listed as a folder but a link or a file now: removed as one, never followed.
    return (errno == ELOOP || errno == ENOTDIR) && ::unlinkat(parent_fd, name.c_str(), 0) == 0;
  }
  const bool ok = remove_contents(fd);
  return (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) && ok;
}

} // namespace

bool remove_tree(const fs::path& dir) {
  const int root = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (root < 0) {
    if (errno == ENOENT) return true;
    if (errno != ENOTDIR && errno != ELOOP) return false;
    return ::unlink(dir.c_str()) == 0 || errno == ENOENT; // a file or a link, not a folder
  }
  // The work: every entry two levels down, each with the descriptor of its folder. A site is
  // wide (a folder per page under a dozen sections), and unlinks in different folders of the
  // same file system run in parallel where one thread would wait on each in turn.
  struct Work {
    int parent_fd;
    DirEntry entry;
  };
  std::vector<Work> work;
  std::vector<std::pair<int, std::string>> sections; // the open top-level folders, by name
  bool ok = true;
  for (DirEntry& e : read_entries(root)) {
    int fd = -1;
    if (e.type == DT_DIR || e.type == DT_UNKNOWN)
      fd = ::openat(root, e.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      work.push_back({root, std::move(e)});
      continue;
    }
    for (DirEntry& sub : read_entries(fd))
      work.push_back({fd, std::move(sub)});
    sections.emplace_back(fd, std::move(e.name));
  }
  // Four threads (one for a small tree), whatever the processors: removing a folder waits on the
  // disk more than on a processor (a file system mounted with `discard` trims each freed block
  // before rmdir returns), and four removed a 10,000-page site in a third of one thread's time
  // on two cores, where sixteen or more were slower again.
  std::atomic<bool> all{true};
  const int threads = static_cast<int>(std::min(std::size_t(4), work.size() / 256 + 1));
  parallel_for(work.size(), threads, [&](std::size_t i) {
    if (!remove_entry(work[i].parent_fd, work[i].entry.name, work[i].entry.type)) all = false;
  });
  ok = all.load();
  for (const auto& [fd, name] : sections) {
    ::close(fd);
    if (::unlinkat(root, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) ok = false;
  }
  ::close(root);
  if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) ok = false;
  return ok;
}

namespace {

// `p` absolute, with symbolic links resolved as far as it exists, so "a/../b" and a link to a
// folder compare by the folder they name.
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  fs::path a = fs::absolute(p, ec).lexically_normal();
  if (!a.has_filename() && a.has_parent_path() && a != a.root_path()) a = a.parent_path();
  fs::path c = fs::weakly_canonical(a, ec);
  if (ec) return a;
  if (!c.has_filename() && c.has_parent_path() && c != c.root_path()) c = c.parent_path();
  return c;
}

// Whether `inner` is `outer` or lies below it.
bool is_within(const fs::path& inner, const fs::path& outer) {
  fs::path rel = inner.lexically_relative(outer);
  return !rel.empty() && *rel.begin() != "..";
}

const char* const k_marker_text =
    "This folder is a site written by nines. `nines build` replaces it as a whole.\n";

// The marker's bytes with the manifest of `files`.
std::string marker_with(const std::map<std::string, SiteManifest::File>& files) {
  nlohmann::json list = nlohmann::json::object();
  for (const auto& [rel, f] : files)
    list[rel] = f.input.empty() ? nlohmann::json::array({f.hash, f.size})
                                : nlohmann::json::array({f.hash, f.size, f.input});
  nlohmann::json manifest = {{"nines_manifest", 1}, {"files", list}};
  return std::string(k_marker_text) +
         manifest.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace

namespace {

// The journal of a replace_site_files in progress, at the site's root: the writer's pid, then
// each replaced file's path, one a line (site paths hold no control characters).
constexpr const char* k_pending = ".nines-site.pending";

// Beside `place`: the new bytes waiting to be renamed in (".NAME.tmp-TAG"), and the old file's
// second name while the renames run (".NAME.prev-TAG").
fs::path beside(const fs::path& place, const char* what, const std::string& tag) {
  return place.parent_path() / ("." + place.filename().string() + what + tag);
}

} // namespace

bool recover_site_files(const fs::path& out) {
  // The marker's and the journal's own temporary names (write_file_atomic's), left by a run
  // killed while writing either: one listing of the site's top folder.
  remove_stale_temps(out, k_site_marker);
  std::ifstream in(out / k_pending, std::ios::binary);
  if (!in) return false;
  std::string tag, rel;
  if (!std::getline(in, tag) || tag.empty() || tag.size() > 9 ||
      tag.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const long pid = std::stol(tag);
  if (pid != static_cast<long>(::getpid()) && process_alive(pid)) return false; // still running
  std::vector<fs::path> places{out / k_site_marker};
  while (std::getline(in, rel))
    if (SiteWriter::is_valid_path(rel)) places.push_back(out / rel);
  in.close();
  std::error_code ec;
  // Every old file still has its second name: the run stopped before it finished, so the old
  // files go back, the marker with them. Otherwise it had finished and was clearing up.
  bool whole = true;
  for (const auto& place : places)
    whole = whole && fs::is_regular_file(fs::symlink_status(beside(place, ".prev-", tag), ec));
  for (const auto& place : places) {
    const fs::path prev = beside(place, ".prev-", tag);
    // rename() between two names of one file does nothing: the second name is removed after.
    if (whole) fs::rename(prev, place, ec);
    fs::remove(prev, ec);
    fs::remove(beside(place, ".tmp-", tag), ec);
  }
  fs::remove(out / k_pending, ec);
  return whole;
}

namespace {

// replace_site_files for a few files: each replaced in place, atomically, under a journal.
std::string replace_in_place(const fs::path& out, const SiteManifest& manifest,
                             const std::map<std::string, SiteFileUpdate>& files,
                             const fs::path& stamps) {
  std::map<std::string, SiteManifest::File> entries = manifest.files;
  for (const auto& [rel, update] : files)
    entries.erase(rel);
  const std::string tag = pid_text();
  std::vector<fs::path> places; // the marker, then each file
  places.push_back(out / k_site_marker);
  for (const auto& [rel, update] : files)
    places.push_back(out / rel);
  std::error_code ec;
  auto drop = [&places, &tag](const char* what) {
    std::error_code gone;
    for (const auto& place : places)
      fs::remove(beside(place, what, tag), gone);
  };
  // Everything this run will leave beside the site's files is in the journal before the first
  // of it is made: a run killed at any point, even while writing the new files, is cleared up
  // (or undone) by the next build into this folder (recover_site_files), whichever way that
  // build goes. A journal only removed at the very end never leaves a name of this run behind.
  {
    std::string text = tag + "\n";
    for (const auto& [rel, update] : files)
      text += rel + "\n";
    write_file_atomic(out / k_pending, text, LinkAtName::Replace);
  }
  auto give_up = [&](const char* what) {
    drop(".tmp-");
    if (what) drop(what);
    fs::remove(out / k_pending, ec);
  };
  // Every new file is written beside its old one first: a failure there (a full disk) leaves the
  // site exactly as it was. Each new file's stamps are taken as it is written: the rename into
  // place keeps them.
  std::vector<SiteManifest::File> written(files.size());
  try {
    std::size_t i = 1;
    for (const auto& [rel, update] : files) {
      write_bytes(beside(places[i], ".tmp-", tag).string(), update.bytes, false, 07777,
                  &written[i - 1]);
      ++i;
    }
    flush_to_disk(out, true);
  } catch (...) {
    give_up(nullptr);
    throw;
  }
  // Then each old file (and the marker) gets a second name, so a run killed during the renames
  // below is undone by the next build into this folder: with every second name there, the
  // previous site comes back as it was. Where links cannot be made, the renames run without
  // that net (each file is still replaced whole).
  bool journal = true;
  for (const auto& place : places) {
    fs::create_hard_link(place, beside(place, ".prev-", tag), ec);
    if (ec) {
      journal = false;
      break;
    }
  }
  try {
    if (!journal) drop(".prev-");
    // The manifest without those files: should the journal be lost, it still never vouches for
    // bytes a file no longer has (a later build would link that file as if it had them).
    write_file_atomic(out / k_site_marker, marker_with(entries), LinkAtName::Replace);
  } catch (...) {
    give_up(".prev-");
    throw;
  }
  for (std::size_t i = 1; i < places.size(); ++i) {
    fs::rename(beside(places[i], ".tmp-", tag), places[i], ec);
    if (ec) {
      const std::string where = places[i].string() + ": cannot replace: " + ec.message();
      if (journal) recover_site_files(out); // the previous site back, as it was
      give_up(nullptr);
      throw WriteError(where);
    }
  }
  {
    std::size_t i = 0;
    for (const auto& [rel, update] : files) {
      entries[rel] = {content_hash(update.bytes), update.bytes.size(), update.input, written[i].ino,
                      written[i].mtime_ns,        written[i].mode};
      ++i;
    }
  }
  const std::string marker = marker_with(entries);
  try {
    write_file_atomic(out / k_site_marker, marker, LinkAtName::Replace);
  } catch (...) {
    if (journal) recover_site_files(out);
    give_up(".prev-");
    throw;
  }
  // Done: the second names go, then the journal (a run killed in between finds a journal whose
  // second names are not all there, and only clears up).
  drop(".prev-");
  fs::remove(out / k_pending, ec);
  write_site_stamps(stamps, entries, content_hash(marker));
  return content_hash(marker);
}

} // namespace

std::string replace_site_files(const fs::path& out, const SiteManifest& manifest,
                               const std::map<std::string, SiteFileUpdate>& files,
                               const fs::path& stamps, const fs::path& repo_root, int jobs,
                               std::size_t in_place_max) {
  if (manifest.digest.empty() || read_site_manifest(out).digest != manifest.digest)
    throw WriteError(out.string() + ": the site changed since its manifest was read");
  for (const auto& [rel, update] : files)
    if (!SiteWriter::is_valid_path(rel) || manifest.files.count(rel) == 0)
      throw WriteError(out.string() + ": '" + rel + "' is not a file of the site");
  // In place only where each file is reached through the site's own folders: a folder of the site
  // a user replaced by a symbolic link would have the file written wherever the link leads. The
  // new tree sees such a link as the user's, standing where a page goes: the conflict every full
  // build reports (exit 3), the site untouched.
  const bool own_folders = std::all_of(files.begin(), files.end(), [&](const auto& entry) {
    std::error_code ec;
    fs::path at = out;
    for (const auto& part : fs::path(entry.first)) {
      at /= part;
      const auto st = fs::symlink_status(at, ec);
      if (ec || fs::is_symlink(st)) return false;
    }
    return true;
  });
  if (files.size() <= in_place_max && own_folders)
    return replace_in_place(out, manifest, files, stamps);
  // A new tree, swapped in whole as every build's is: the files not made again are linked into
  // it from the site, so a reader (or a kill) never sees some pages new and some old.
  SiteWriter writer(out, SiteWriter::Mode::Streaming, repo_root, stamps);
  if (writer.previous().digest != manifest.digest)
    throw WriteError(out.string() + ": the site changed since its manifest was read");
  std::vector<const std::string*> kept;
  kept.reserve(manifest.files.size());
  for (const auto& [rel, file] : manifest.files)
    if (files.count(rel) == 0) kept.push_back(&rel);
  // A link and a folder per page, thousands of them: on every core, as a full build links.
  parallel_for(kept.size(), jobs, [&](std::size_t i) {
    if (!writer.keep(*kept[i]))
      throw WriteError((out / *kept[i]).string() + ": changed since the site's manifest was read");
  });
  for (const auto& [rel, update] : files)
    writer.add(rel, update.bytes, update.input);
  writer.commit();
  return writer.manifest_digest();
}

SiteManifest read_site_manifest(const fs::path& out) {
  SiteManifest m;
  std::ifstream in(out / k_site_marker, std::ios::binary);
  if (!in) return m;
  // In one read, not a character at a time: the manifest of a 10,000-page site is a megabyte.
  std::ostringstream whole;
  whole << in.rdbuf();
  const std::string text = std::move(whole).str();
  const std::size_t at = text.find("\n{");
  if (at == std::string::npos) return m;
  auto j = nlohmann::json::parse(text.substr(at + 1), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("nines_manifest", 0) != 1) return m;
  try {
    for (const auto& [path, f] : j.at("files").items())
      m.files[path] = {f.at(0).get<std::string>(), f.at(1).get<std::uint64_t>(),
                       f.size() > 2 ? f.at(2).get<std::string>() : std::string()};
  } catch (const nlohmann::json::exception&) {
    return SiteManifest{}; // damaged: as if there were none, so nothing is reused
  }
  m.digest = content_hash(text);
  return m;
}

namespace {

// Version 2 records the files' mode after the count; version 1, which did not, is read with the
// mode nines then gave every file (a file the user chmodded since fails has_mode all the same).
constexpr std::string_view k_stamps_head = "nines-site-stamps 2 ";
constexpr std::string_view k_stamps_head_v1 = "nines-site-stamps 1 ";
constexpr std::uint32_t k_stamps_v1_mode = 0644;

} // namespace

bool read_site_stamps(const fs::path& path, SiteManifest& manifest) {
  if (path.empty() || manifest.digest.empty()) return false;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return false;
  const std::streamoff size = in.tellg();
  if (size <= 0) return false;
  std::string text(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(text.data(), size)) return false;
  // "nines-site-stamps 2 DIGEST COUNT MODE" (MODE in octal: every file's), then "INODE MTIME_NS"
  // a line for each file, in the manifest's order (by path): the digest names the manifest, and
  // so its paths.
  const std::string tail = manifest.digest + " " + std::to_string(manifest.files.size());
  const char* p = text.data();
  const char* end = text.data() + text.size();
  std::uint32_t mode = 0;
  if (const std::string head = std::string(k_stamps_head) + tail + " ";
      text.compare(0, head.size(), head) == 0) {
    const auto r = std::from_chars(p + head.size(), end, mode, 8);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != '\n' || mode == 0 || mode > 07777)
      return false;
    p = r.ptr + 1;
  } else if (const std::string v1 = std::string(k_stamps_head_v1) + tail + "\n";
             text.compare(0, v1.size(), v1) == 0) {
    mode = k_stamps_v1_mode;
    p += v1.size();
  } else {
    return false;
  }
  std::vector<std::pair<std::uint64_t, std::int64_t>> stamps;
  stamps.reserve(manifest.files.size());
  while (p < end) {
    std::uint64_t ino = 0;
    std::int64_t mtime = 0;
    auto r = std::from_chars(p, end, ino);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != ' ') return false;
    r = std::from_chars(r.ptr + 1, end, mtime);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != '\n') return false;
    stamps.emplace_back(ino, mtime);
    p = r.ptr + 1;
  }
  if (stamps.size() != manifest.files.size()) return false;
  std::size_t i = 0;
  for (auto& [rel, f] : manifest.files) {
    f.ino = stamps[i].first;
    f.mtime_ns = stamps[i].second;
    f.mode = mode;
    ++i;
  }
  return true;
}

void write_site_stamps(const fs::path& path, const std::map<std::string, SiteManifest::File>& files,
                       const std::string& digest) noexcept {
  if (path.empty() || digest.empty()) return;
  try {
    // One mode for the whole site: a file with another (a writer that could not give it the
    // mode of the rest) leaves no stamps, so the next build writes every file once.
    const std::uint32_t mode = files.empty() ? k_file_mode : files.begin()->second.mode;
    if (mode == 0 || std::any_of(files.begin(), files.end(),
                                 [mode](const auto& entry) { return entry.second.mode != mode; }))
      throw std::invalid_argument("files of different modes");
    char octal[8];
    const auto r = std::to_chars(octal, octal + sizeof octal, mode, 8);
    std::string text = std::string(k_stamps_head) + digest + " " + std::to_string(files.size()) +
                       " " + std::string(octal, r.ptr) + "\n";
    text.reserve(text.size() + files.size() * 32);
    for (const auto& [rel, f] : files) {
      text += std::to_string(f.ino);
      text += ' ';
      text += std::to_string(f.mtime_ns);
      text += '\n';
    }
    write_file_atomic(path, text, LinkAtName::Replace);
  } catch (...) {
    // Without stamps the next build writes every file again instead of linking it: slower, right.
    std::error_code ec;
    fs::remove(path, ec);
  }
}

bool site_matches_manifest(const fs::path& out, const SiteManifest& manifest) {
  if (manifest.files.empty()) return false;
  const std::string prefix = out.string() + "/";
  std::string p;
  for (const auto& [rel, f] : manifest.files) {
    p.assign(prefix).append(rel);
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !as_nines_left_it(st, f) || !has_mode(st, f.mode))
      return false;
  }
  // The marker is a file nines writes too, with the files' mode; one lstat for the whole site.
  p.assign(prefix).append(k_site_marker);
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         has_mode(st, manifest.files.begin()->second.mode);
}

namespace {

// Whether the folder `dir` holds nothing but the marker (or nothing at all).
bool only_marker(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return false;
  for (; !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->path().filename() != k_site_marker) return false;
  return !ec;
}

// What a marker file tells: read by read_site_manifest() only when it may hold a manifest.
// The checks before every build stay cheap (a site of 10,000 pages has a manifest of a
// megabyte): a marker that is empty, cut short (a full disk) or garbage fails here; one whose
// text only looks whole is parsed by the writer, which refuses the folder the same way.
bool marker_may_hold_manifest(const fs::path& marker) {
  std::ifstream in(marker, std::ios::binary | std::ios::ate);
  if (!in) return false;
  const std::streamoff size = in.tellg();
  if (size < 4) return false;
  // The manifest follows the marker's first line and ends the file: "\n{...}" and a newline.
  std::string head(static_cast<std::size_t>(std::min<std::streamoff>(size, 512)), '\0');
  in.seekg(0);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  char tail[2] = {0, 0};
  in.seekg(size - 2);
  in.read(tail, 2);
  if (!in || head.find("\n{") == std::string::npos) return false;
  return tail[1] == '}' || (tail[0] == '}' && tail[1] == '\n');
}

// A folder with a marker but no readable manifest, and files of its own: refused (exit 2).
[[noreturn]] void refuse_unreadable_marker(const fs::path& out) {
  throw OutputRefused(
      "refusing output folder '" + out.string() + "': its marker file " + k_site_marker +
      " has no manifest nines can read (it is empty, cut short, damaged, written by hand or by "
      "an older nines), so the files nines wrote cannot be told from yours; nothing was written "
      "(move the files you want to keep out of the folder and remove it, or choose a new or "
      "empty folder)");
}

} // namespace

bool lies_inside(const fs::path& out, const fs::path& repo_root) {
  const fs::path target = resolved(out);
  const fs::path repo = resolved(repo_root);
  return target != repo && is_within(target, repo);
}

bool same_folder(const fs::path& a, const fs::path& b) {
  return resolved(a) == resolved(b);
}

void check_output_dir(const fs::path& out, const fs::path& repo_root) {
  const std::string shown = out.string();
  auto refuse = [&](const std::string& why, const std::string& hint) {
    throw OutputRefused("refusing output folder '" + shown + "': " + why +
                        "; nothing was written (" + hint + ")");
  };
  const fs::path target = resolved(out);
  if (!repo_root.empty()) {
    const fs::path repo = resolved(repo_root);
    const char* outside = "choose a folder outside the repository, DIR/site, or the folder "
                          "nines.yaml output names (the default without -o)";
    if (target == repo) refuse("it is the content repository itself", outside);
    if (is_within(repo, target)) refuse("it contains the content repository", outside);
    if (is_within(target, repo) && target != repo / "site")
      refuse("it lies inside the content repository, where only site/ and the folder nines.yaml "
             "output names may be the output",
             outside);
  }
  std::error_code ec;
  const fs::path abs = fs::absolute(out, ec).lexically_normal();
  const auto st = fs::symlink_status(abs, ec);
  if (ec || !fs::exists(st)) return; // created at commit
  const char* other = "choose a new or empty folder, or remove this one yourself";
  if (fs::is_symlink(st)) refuse("it is a symbolic link", other);
  if (!fs::is_directory(st)) refuse("it is a file, not a folder", other);
  if (fs::is_regular_file(fs::symlink_status(abs / k_site_marker, ec))) {
    // A nines site, if its manifest says which files nines wrote: without it, nines cannot tell
    // them from the user's, and the swap would take the user's with them.
    if (marker_may_hold_manifest(abs / k_site_marker) || only_marker(abs)) return;
    refuse_unreadable_marker(out);
  }
  fs::directory_iterator it(abs, ec);
  if (ec) refuse("it cannot be read: " + ec.message(), other);
  if (it != fs::directory_iterator())
    refuse(std::string("it is a folder that nines did not write (it has files but no ") +
               k_site_marker + ")",
           other);
}

bool SiteWriter::is_valid_path(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == '\\') return false;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string_view seg =
        path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

namespace {} // namespace

// The output folder as the writer names it and the folders beside it: absolute, normal, without
// a trailing separator ("public", "./public/" and "/abs/public" are all "/abs/public"), so that
// parent_path() is the folder holding OUT and filename() its name. Taken as it is when the
// current directory cannot be read.
fs::path normal_output_dir(const fs::path& out) {
  std::error_code ec;
  fs::path abs = fs::absolute(out, ec);
  if (ec) abs = out;
  abs = abs.lexically_normal();
  if (!abs.has_filename() && abs.has_parent_path() && abs != abs.root_path())
    abs = abs.parent_path(); // "site/" -> "site"
  return abs;
}

SiteWriter::SiteWriter(fs::path out, Mode mode, const fs::path& repo_root, fs::path stamps)
    : m_stamps(std::move(stamps)), m_mode(mode) {
  check_output_dir(out, repo_root);
  m_repo_root = repo_root;
  // As clean_stale() names it, but an unreadable current directory is an error here.
  out = normal_output_dir(fs::absolute(out));
  std::string name = out.filename().string();
  if (name.empty() || name == "." || name == ".." || out == out.root_path())
    throw WriteError(out.string() + ": not usable as an output directory");
  m_out = out;
  m_temp = out.parent_path() / (name + k_temp_infix + pid_text());
  m_old = out.parent_path() / (name + k_old_infix + pid_text());
  m_umask = current_umask();
  m_out_prefix = m_out.string() + "/";
  m_temp_prefix = m_temp.string() + "/";
  // check_output_dir() only glanced at the marker; here it is read whole. A marker without a
  // manifest nines can read, in a folder with other files, is refused before anything is touched.
  m_previous = read_site_manifest(m_out);
  std::error_code ec;
  if (m_previous.digest.empty() &&
      fs::is_regular_file(fs::symlink_status(m_out / k_site_marker, ec)) && !only_marker(m_out))
    refuse_unreadable_marker(m_out);
  const bool had_site = !m_previous.digest.empty();
  m_notes = clean_stale(m_out); // may move the previous site back to a missing OUT
  // A replace_site_files killed part-way is undone first: the previous site is what this writer
  // compares with and keeps.
  if (recover_site_files(m_out) || !had_site) m_previous = read_site_manifest(m_out);
  read_site_stamps(m_stamps, m_previous);
  if (m_mode == Mode::Streaming) create_temp();
}

SiteWriter::~SiteWriter() {
  if (!m_committed) discard();
}

void SiteWriter::discard() noexcept {
  if (!m_temp_created) return;
  try {
    remove_tree(m_temp);
  } catch (...) {
    // Out of memory or threads: the tree is left for the next writer for OUT to remove.
  }
  m_temp_created = false;
}

namespace {

// The digits of a pid at the end of `entry` after `prefix`, or -1.
long pid_after(const std::string& entry, const std::string& prefix) {
  if (entry.size() <= prefix.size() || entry.compare(0, prefix.size(), prefix) != 0) return -1;
  const std::string pid = entry.substr(prefix.size());
  if (pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stol(pid);
}

// What a folder beside OUT with one of the writer's names holds, as far as nines can tell.
enum class Leftover {
  Empty,  // no file, only folders if anything: a run killed before it wrote a file, an empty OUT
          // moved aside, or a tree whose removal was killed after its files went
  Ours,   // a tree nines wrote: a temporary tree (its first marker, or the whole one) or a site
  Unknown // anything else, a file or a link included: not nines's to remove or move
};

// Removes the folders of `dir` bottom-up with rmdir, which never removes a file: anything that
// appeared in it meanwhile stays, with the folders above it.
void remove_empty_folders(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> folders;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
       !ec && it != end; it.increment(ec))
    if (fs::is_directory(it->symlink_status(ec))) folders.push_back(it->path());
  // Deeper paths sort after their parents: the reverse order takes children first.
  std::sort(folders.rbegin(), folders.rend());
  for (const fs::path& f : folders)
    ::rmdir(f.c_str());
  ::rmdir(dir.c_str());
}

// True when `dir` holds folders at most, at any depth: no file, no link, nothing unreadable.
// Removing such a tree loses no byte of anyone's.
bool holds_only_folders(const fs::path& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec))
    if (!fs::is_directory(it->symlink_status(ec)) || ec) return false;
  return !ec;
}

Leftover classify_leftover(const fs::path& dir, bool temp) {
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return Leftover::Unknown;
  // The marker goes with the files when a tree is removed, so a removal killed part-way leaves
  // folders and no marker: that is empty too, not a folder of someone else's to warn about.
  if (holds_only_folders(dir)) return Leftover::Empty;
  const fs::path marker = dir / k_site_marker;
  if (!fs::is_regular_file(fs::symlink_status(marker, ec))) return Leftover::Unknown;
  // A temporary tree starts with the marker's first line alone, which commit() replaces with
  // the marker and its manifest; a previous site moved aside has its manifest (or, an empty
  // site, nothing but the marker), as check_output_dir() wanted of it.
  if (temp && fs::file_size(marker, ec) == std::strlen(k_marker_text) && !ec) {
    std::ifstream in(marker, std::ios::binary);
    std::string text(std::strlen(k_marker_text), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in && text == k_marker_text) return Leftover::Ours;
  }
  if (!read_site_manifest(dir).digest.empty() || only_marker(dir)) return Leftover::Ours;
  return Leftover::Unknown;
}

// Removes from the leftover site `dir` what its manifest says nines wrote there (each listed file
// still of the listed size, and the marker), then the folders left empty. A file nines did not
// list (a CNAME, notes put beside the pages, a hand copy's extras) stays, and so does the folder
// holding it: the first such path is returned, empty when the whole tree went.
std::string remove_listed(const fs::path& dir, const SiteManifest& manifest) {
  const std::string prefix = dir.string() + "/";
  for (const auto& [rel, file] : manifest.files) {
    const std::string p = prefix + rel;
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<std::uint64_t>(st.st_size) == file.size)
      ::unlink(p.c_str());
  }
  ::unlink((dir / k_site_marker).c_str());
  remove_empty_folders(dir);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) return {};
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
       !ec && it != end; it.increment(ec))
    if (!fs::is_directory(it->symlink_status(ec))) return it->path().string();
  return dir.string();
}

// Removes from the leftover folder `dir` every file that is a second name of the file at the
// same path in the site `out` (one inode: the user's files a build carried into the new site by
// a hard link, of which a build killed while removing the old tree leaves the old names), then
// the folders left empty. No byte is lost: each file lives on in `out`. Whether `dir` is gone.
bool remove_second_names(const fs::path& dir, const fs::path& out) {
  std::error_code ec;
  std::vector<fs::path> twins;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
       !ec && it != end; it.increment(ec)) {
    struct stat here {
    }, there{};
    if (::lstat(it->path().c_str(), &here) != 0 || !S_ISREG(here.st_mode)) continue;
    const fs::path rel = it->path().lexically_relative(dir);
    if (::lstat((out / rel).c_str(), &there) == 0 && here.st_dev == there.st_dev &&
        here.st_ino == there.st_ino)
      twins.push_back(it->path());
  }
  for (const fs::path& p : twins)
    ::unlink(p.c_str());
  if (!twins.empty()) remove_empty_folders(dir);
  return !fs::exists(fs::symlink_status(dir, ec));
}

} // namespace

std::vector<std::string> SiteWriter::clean_stale(const fs::path& given) {
  std::vector<std::string> notes;
  // As the writer names OUT and its folders. Taken as given, a relative "public" has no parent
  // ("") and "public/" no name (its parent is OUT itself): the folders beside OUT were then never
  // looked for by the builds that make no writer (nothing changed, prose rewritten in place), and
  // a leftover survived every one of them until a full build (or, with "public/", folders inside
  // OUT named like leftovers were taken for them).
  const fs::path out = normal_output_dir(given);
  const fs::path parent = out.parent_path();
  const std::string name = out.filename().string();
  std::error_code ec;
  if (name.empty() || name == "." || name == ".." || out == out.root_path()) return notes;
  if (!fs::is_directory(parent, ec)) return notes; // created at commit; nothing stale can be there
  struct Found {
    fs::path path;
    bool temp;
  };
  std::vector<Found> found;
  std::vector<fs::path> legacy; // the names an older nines gave them: OUT.tmp-PID, OUT.old-PID
  const auto ours_or_dead = [](long pid) {
    // Our own pid here is a leftover of an earlier process that had the same pid (containers
    // often start every run as the same pid); another live process's folder is left alone.
    return pid == static_cast<long>(::getpid()) || !process_alive(pid);
  };
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    for (const bool temp : {true, false}) {
      if (const long pid = pid_after(entry, name + (temp ? k_temp_infix : k_old_infix));
          pid >= 0 && ours_or_dead(pid))
        found.push_back({it->path(), temp});
      if (const long pid = pid_after(entry, name + (temp ? ".tmp-" : ".old-"));
          pid >= 0 && ours_or_dead(pid))
        legacy.push_back(it->path());
    }
  }
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.path < b.path; });
  std::sort(legacy.begin(), legacy.end());
  const auto note = [&notes](const fs::path& p, const std::string& what) {
    notes.push_back("left alone: '" + p.string() + "' " + what);
  };
  // Temporary trees first, then the previous sites set aside: of those, one goes back to OUT
  // when a run was killed between its two renames and OUT is missing.
  std::stable_partition(found.begin(), found.end(), [](const Found& f) { return f.temp; });
  for (const Found& f : found) {
    switch (classify_leftover(f.path, f.temp)) {
    case Leftover::Empty:
      remove_empty_folders(f.path); // leaves, harmlessly, whatever appeared in it meanwhile
      break;
    case Leftover::Ours: {
      if (!f.temp && !fs::exists(fs::symlink_status(out, ec))) {
        fs::rename(f.path, out, ec); // the previous site, back in place
        if (!ec) break;
      }
      // A site with a manifest (a previous site set aside, a finished tree) may hold files of
      // the user's beside nines's, as OUT may: only what the manifest lists goes. A temporary
      // tree whose marker has no manifest yet holds only what this writer was writing.
      const SiteManifest manifest = read_site_manifest(f.path);
      if (manifest.digest.empty()) {
        remove_tree(f.path);
        break;
      }
      if (const std::string kept = remove_listed(f.path, manifest);
          !kept.empty() && !remove_second_names(f.path, out))
        note(f.path, "has the name of a folder a killed build of nines leaves; the files nines "
                     "listed in it were removed, but it also holds files nines did not write ('" +
                         kept + "'); move or remove them yourself");
      break;
    }
    case Leftover::Unknown:
      // What a build killed while removing the old tree leaves of it, once nines's own files
      // went: the user's files, each also in the new site under the same name (carried by a hard
      // link). Those names go; anything else makes the folder someone's, named below.
      if (remove_second_names(f.path, out)) break;
      note(f.path, std::string("has the name of a folder a killed build of nines leaves, but "
                               "nines did not write what it holds; move or remove it yourself"));
      break;
    }
  }
  // An older nines named its folders OUT.tmp-PID and OUT.old-PID, names a user's backup may also
  // have (site.old-2024): nothing proves which wrote one, so none is removed or moved. One that
  // holds a nines marker is named, in case it is the previous site of a run that was killed.
  for (const fs::path& p : legacy) {
    if (!fs::is_regular_file(fs::symlink_status(p / k_site_marker, ec))) continue;
    note(p, std::string("looks like a folder an earlier version of nines set aside, but may be "
                        "yours") +
                (fs::exists(fs::symlink_status(out, ec))
                     ? "; remove it yourself if you do not need it"
                     : "; if it is your previous site, rename it back to '" + name +
                           "' before building, or remove it"));
  }
  for (const std::string& n : notes)
    std::cerr << "nines: warning: " << n << "\n";
  return notes;
}

void SiteWriter::create_temp() {
  std::error_code ec;
  fs::create_directories(m_out.parent_path(), ec);
  if (ec) throw WriteError(m_out.parent_path().string() + ": cannot create: " + ec.message());
  // A leftover of an earlier process with our pid was removed by clean_stale() if nines wrote
  // it; one still there is not nines's to remove.
  if (fs::exists(fs::symlink_status(m_temp, ec)))
    throw WriteError(m_temp.string() + ": is in the way of the new site, and nines did not "
                                       "write what it holds; move or remove it yourself");
  // The temporary folder is ours, not the user's: a failure names the output folder asked for
  // (docs/commands.md: a file that cannot be written is named as asked for).
  make_dir(m_temp.string(), m_umask,
           m_out.string() + " (its new tree, " + m_temp.filename().string() + ")");
  m_temp_created = true;
  try {
    // Written fresh, before any file is linked: its mode is the one every fresh write gets here
    // (0644, or what a file system without modes shows), which a previous file must have to be
    // linked. The fstat costs one call per build.
    SiteManifest::File marker;
    write_bytes(m_temp_prefix + k_site_marker, k_marker_text, true, m_umask, &marker);
    m_file_mode = marker.mode;
  } catch (...) {
    discard();
    throw;
  }
}

void SiteWriter::write_one(const std::string& rel, const std::string& bytes,
                           SiteManifest::File& mine) {
  // The same bytes at the same path in the previous site: link the old file instead of writing.
  if (auto it = m_previous.files.find(rel); it != m_previous.files.end() &&
                                            it->second.hash == mine.hash &&
                                            it->second.size == mine.size) {
    // Not copied when only its mode changed: the bytes are at hand, a fresh write is cheaper.
    if (link_previous(rel, it->second, false, mine)) {
      ++m_reused;
      return;
    }
  }
  write_bytes(m_temp_prefix + rel, bytes, true, m_umask, &mine);
}

bool SiteWriter::link_previous(const std::string& rel, const SiteManifest::File& previous,
                               bool copy, SiteManifest::File& placed) {
  // One lstat and one link: the old file is still as nines left it (size and stamps), so it holds
  // the bytes the manifest records; one edited by hand, even at the same size, is not linked.
  const std::string old = m_out_prefix + rel;
  struct stat st {};
  if (::lstat(old.c_str(), &st) != 0 || !as_nines_left_it(st, previous)) return false;
  const std::string to = m_temp_prefix + rel;
  // The mode comes with the same lstat. A link shares the inode, and with it a mode the user gave
  // the old file (chmod 600, +x), which a fresh write would not: such a file is written anew or
  // copied, never chmodded in place, as the old tree may still be served until the swap.
  if (has_mode(st, m_file_mode)) {
    if (::link(old.c_str(), to.c_str()) != 0) return false;
    // A link is the same file: its inode, modification time and mode stay.
    placed.ino = previous.ino;
    placed.mtime_ns = previous.mtime_ns;
    placed.mode = m_file_mode;
    return true;
  }
  if (!copy) return false;
  // Read through a descriptor that is checked again: the file must still be the one the lstat
  // showed (a rename meanwhile would give other bytes). One that cannot be read (chmod 000 by
  // someone without the right to read it) is the caller's to make.
  const int fd = ::open(old.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  std::string bytes;
  bool whole = ::fstat(fd, &st) == 0 && as_nines_left_it(st, previous);
  if (whole) {
    bytes.resize(static_cast<std::size_t>(previous.size));
    std::size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    whole = got == bytes.size();
  }
  ::close(fd);
  if (!whole) return false;
  write_bytes(to, bytes, true, m_umask, &placed);
  return true;
}

void SiteWriter::make_parent_dirs(const std::string& rel) {
  for (std::size_t slash = rel.find('/'); slash != std::string::npos;
       slash = rel.find('/', slash + 1)) {
    std::string dir = rel.substr(0, slash);
    auto it = m_made_dirs.find(dir);
    if (it != m_made_dirs.end() && it->second == DirState::Made) continue;
    make_dir(m_temp_prefix + dir, m_umask);
    m_made_dirs[std::move(dir)] = DirState::Made;
  }
}

std::vector<SiteWriter::DirClaim> SiteWriter::reserve(const std::string& p) {
  if (m_committed) throw WriteError("'" + p + "' added after commit");
  if (m_paths.count(p) != 0) throw WriteError("output path '" + p + "' written twice");
  if (m_dirs.count(p) != 0)
    throw WriteError("output path '" + p + "' is also a directory of other files");
  std::vector<std::string> prefixes;
  for (std::size_t slash = p.find('/'); slash != std::string::npos;
       slash = p.find('/', slash + 1)) {
    std::string dir = p.substr(0, slash);
    if (m_paths.count(dir) != 0)
      throw WriteError("output path '" + p + "' is inside file '" + dir + "'");
    prefixes.push_back(std::move(dir));
  }
  // Streaming: each directory is claimed by the first file below it and made by that file's
  // thread outside the lock (on some file systems a mkdir takes a millisecond, and under the
  // lock it held up every other thread's file); a file whose directory another thread is still
  // making waits for it, so a file is never written into a directory yet to be made.
  std::vector<DirClaim> claims;
  if (m_mode == Mode::Streaming)
    for (const auto& dir : prefixes) {
      auto [it, fresh] = m_made_dirs.try_emplace(dir, DirState::Making);
      if (fresh)
        claims.push_back({dir, true});
      else if (it->second == DirState::Making)
        claims.push_back({dir, false});
      else if (it->second == DirState::Failed)
        throw WriteError(m_temp_prefix + dir + ": cannot create directory");
    }
  m_paths.insert(p);
  m_dirs.insert(prefixes.begin(), prefixes.end());
  return claims;
}

void SiteWriter::make_claimed_dirs(const std::vector<DirClaim>& claims) {
  // Parents come first in `claims`: a directory is made only once its parent exists.
  std::size_t i = 0;
  try {
    for (; i < claims.size(); ++i) {
      const DirClaim& c = claims[i];
      if (c.mine) {
        make_dir(m_temp_prefix + c.dir, m_umask);
        std::lock_guard<std::mutex> lock(m_mutex);
        m_made_dirs[c.dir] = DirState::Made;
        m_dir_made.notify_all();
        continue;
      }
      std::unique_lock<std::mutex> lock(m_mutex);
      m_dir_made.wait(lock, [&] { return m_made_dirs[c.dir] != DirState::Making; });
      if (m_made_dirs[c.dir] == DirState::Failed)
        throw WriteError(m_temp_prefix + c.dir + ": cannot create directory");
    }
  } catch (...) {
    // The directories this thread claimed and did not make will never be made: threads waiting
    // for them must fail too, not wait for good.
    std::lock_guard<std::mutex> lock(m_mutex);
    for (; i < claims.size(); ++i)
      if (claims[i].mine) m_made_dirs[claims[i].dir] = DirState::Failed;
    m_dir_made.notify_all();
    throw;
  }
}

namespace {

void check_path(std::string_view path) {
  if (!SiteWriter::is_valid_path(path))
    throw WriteError("refusing output path '" + std::string(path) +
                     "': it must be relative, without empty, '.' or '..' segments");
  if (path == k_site_marker)
    throw WriteError("output path '" + std::string(path) + "' is the name of nines' marker");
}

} // namespace

std::string SiteWriter::add(std::string_view path, std::string bytes, std::string input) {
  check_path(path);
  std::string p(path);
  // Outside the lock: threads hash (and, streaming, write) at the same time.
  SiteManifest::File file{content_hash(bytes), bytes.size(), std::move(input)};
  std::vector<DirClaim> claims;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    claims = reserve(p);
    m_hashes.emplace(p, file);
    if (m_mode == Mode::InMemory) {
      m_files.emplace(p, std::move(bytes));
      return file.hash;
    }
  }
  make_claimed_dirs(claims);
  write_one(p, bytes, file);
  std::lock_guard<std::mutex> lock(m_mutex);
  SiteManifest::File& recorded = m_hashes.at(p);
  recorded.ino = file.ino;
  recorded.mtime_ns = file.mtime_ns;
  recorded.mode = file.mode;
  return file.hash;
}

bool SiteWriter::reuse(std::string_view path, const std::string& input, SiteManifest::File* out) {
  check_path(path);
  if (input.empty()) return false;
  auto it = m_previous.files.find(std::string(path));
  if (it == m_previous.files.end() || it->second.input != input ||
      !link_entry(it->first, it->second))
    return false;
  ++m_reused_inputs;
  if (out) *out = it->second;
  return true;
}

bool SiteWriter::keep(std::string_view path) {
  check_path(path);
  auto it = m_previous.files.find(std::string(path));
  return it != m_previous.files.end() && link_entry(it->first, it->second);
}

bool SiteWriter::link_entry(const std::string& p, const SiteManifest::File& previous) {
  std::vector<DirClaim> claims;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_temp_created) create_temp();
    claims = reserve(p);
    // The directories of an in-memory site are made at commit; this file is needed now.
    if (m_mode == Mode::InMemory) make_parent_dirs(p);
  }
  make_claimed_dirs(claims);
  // Outside the lock too: one lstat and one link per page of a rebuild.
  SiteManifest::File placed = previous;
  const bool linked = link_previous(p, previous, true, placed);
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!linked) {
    // Not there any more (or no links on this file system): the caller makes the file.
    m_paths.erase(p);
    return false;
  }
  m_hashes.emplace(p, std::move(placed));
  ++m_reused;
  return true;
}

bool SiteWriter::contains(const std::string& path) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_paths.count(path) != 0;
}

std::vector<std::string> SiteWriter::paths() const {
  std::vector<std::string> out;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    out.assign(m_paths.begin(), m_paths.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// What a writer of nines leaves inside a site when it is killed: the journal of
// replace_site_files and the names beside(): ".NAME.tmp-PID" and ".NAME.prev-PID" (and
// write_file_atomic's ".NAME.tmp-PID-N"). Nines wrote them; they are never carried. Only where
// they stand beside a file nines wrote (NAME is in the previous manifest, or is the site's own
// marker or journal at its top) and their process no longer runs: a user's ".htaccess.prev-2024"
// beside their own .htaccess, or "notes.txt.tmp-5-1" in their own folder, only looks like one.
bool writer_leftover(const std::string& name, const std::string& rel,
                     const SiteManifest& previous) {
  if (name == k_pending) return true;
  if (name.size() < 2 || name[0] != '.') return false;
  const std::string folder = rel.substr(0, rel.size() - name.size());
  for (const std::string_view what : {".tmp-", ".prev-"}) {
    const std::size_t at = name.rfind(what);
    if (at == std::string::npos || at < 2) continue;
    const long pid = pid_of_temp(name, what);
    if (pid < 0 || (pid != static_cast<long>(::getpid()) && process_alive(pid))) continue;
    const std::string beside_of = name.substr(1, at - 1);
    if (previous.files.count(folder + beside_of) != 0 ||
        (folder.empty() && (beside_of == k_site_marker || beside_of == k_pending)))
      return true;
  }
  return false;
}

} // namespace

namespace {

// Whether the file at `old` still holds the bytes nines recorded for it (`f`). Otherwise they are
// not nines's: a file put in its place by hand, or one a hand-written manifest lists with a
// made-up hash and size.
bool still_nines(const std::string& old, const SiteManifest::File& f) {
  struct stat st {};
  if (::lstat(old.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (static_cast<std::uint64_t>(st.st_size) != f.size) return false;
  std::ifstream in(old, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(f.size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return in && in.peek() == std::ifstream::traits_type::eof() && content_hash(bytes) == f.hash;
}

} // namespace

void SiteWriter::carry_user_files() {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(m_out, ec))) return; // a new folder: nothing to carry
  const auto taken = [&](const std::string& rel) {
    if (m_paths.count(rel) != 0 || m_dirs.count(rel) != 0) return true;
    for (std::size_t slash = rel.find('/'); slash != std::string::npos;
         slash = rel.find('/', slash + 1))
      if (m_paths.count(rel.substr(0, slash)) != 0) return true;
    return false;
  };
  const auto conflict = [&](const std::string& rel, bool changed) {
    throw WriteError(
        m_out.string() + ": '" + rel +
        (changed ? "' was changed since nines wrote it" : "' was not written by nines") +
        ", and the new site has a page or folder there; move it out of the site, "
        "then build again");
  };
  // A walk by descriptors, each folder read once: the entries' types come with their names, so a
  // file the new site also has (every page of a rebuild) costs no system call at all. A folder's
  // emptiness is known from the one read of its entries.
  struct Folder {
    int fd;
    std::string rel; // "" for OUT itself, else "a/b/"
    std::vector<DirEntry> entries;
  };
  auto open_folder = [&](int parent, const std::string& name, const std::string& rel) {
    const int fd = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
      throw WriteError(m_out.string() + ": cannot be read: " +
                       (rel.empty() ? std::string() : "'" + rel + "': ") + errno_text(errno));
    return Folder{fd, rel, read_entries(fd)};
  };
  std::vector<Folder> stack;
  stack.push_back(open_folder(AT_FDCWD, m_out.string(), ""));
  struct Closer {
    std::vector<Folder>& folders;
    ~Closer() {
      for (const Folder& f : folders)
        ::close(f.fd);
    }
  } closer{stack};
  while (!stack.empty()) {
    Folder folder = std::move(stack.back());
    stack.pop_back();
    const int fd = folder.fd;
    struct CloseOne {
      int fd;
      ~CloseOne() { ::close(fd); }
    } close_one{fd};
    for (const DirEntry& e : folder.entries) {
      const std::string rel = folder.rel + e.name;
      if (rel == k_site_marker) continue;
      unsigned char type = e.type;
      if (type == DT_UNKNOWN) {
        struct stat st {};
        if (::fstatat(fd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue; // gone
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
      }
      if (type == DT_DIR) {
        Folder sub = open_folder(fd, e.name, rel + "/");
        if (!sub.entries.empty()) {
          stack.push_back(std::move(sub));
          continue;
        }
        ::close(sub.fd);
        // A folder of the user's with nothing in it; one with files gets made for them.
        if (m_previous.files.count(rel) != 0) continue;
        if (m_paths.count(rel) != 0) conflict(rel, false);
        make_parent_dirs(rel + "/");
        continue;
      }
      // A file the manifest lists: at a path the new site writes, the new page replaces it (a
      // site edited by hand is repaired by the next build). Elsewhere it goes with the old tree
      // only while it holds what nines recorded; one that does not is the user's, kept like any
      // other.
      const std::string from = m_out_prefix + rel;
      const auto listed = m_previous.files.find(rel);
      if (listed != m_previous.files.end() &&
          (m_paths.count(rel) != 0 || still_nines(from, listed->second)))
        continue;
      if (listed == m_previous.files.end() && writer_leftover(e.name, rel, m_previous)) continue;
      if (taken(rel)) conflict(rel, listed != m_previous.files.end());
      make_parent_dirs(rel);
      const std::string to = m_temp_prefix + rel;
      if (type == DT_LNK) {
        fs::copy_symlink(from, to, ec);
      } else if (::link(from.c_str(), to.c_str()) != 0) {
        fs::copy_file(from, to, ec);
      }
      if (ec) throw WriteError(m_out.string() + ": cannot keep '" + rel + "': " + ec.message());
    }
  }
}

void SiteWriter::commit() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_committed) throw WriteError(m_out.string() + ": already committed");
  try {
    if (!m_temp_created) create_temp();
    for (const auto& [rel, bytes] : m_files) {
      make_parent_dirs(rel);
      write_one(rel, bytes, m_hashes.at(rel));
    }
    carry_user_files();
    // The marker again, now with the manifest of everything written.
    const std::string marker = marker_with(m_hashes);
    // In the first one's place, whole or not at all: a run killed while a megabyte of manifest
    // was being written would leave a tree whose marker proves nothing, which the next writer
    // could then not remove (clean_stale).
    write_file_atomic(m_temp / k_site_marker, marker, LinkAtName::Replace);
    m_digest = content_hash(marker);
    flush_to_disk(m_temp, true);
    // Again, just before the swap: the folder may have been filled since the writer was made.
    check_output_dir(m_out, m_repo_root);
  } catch (...) {
    discard();
    throw;
  }

  std::error_code ec;
  bool had_out = fs::exists(fs::symlink_status(m_out, ec));
  fs::path old_tree = m_old;
  // Where the kernel can (Linux, on local file systems), the two trees trade places in one step,
  // so there is no instant at which a kill leaves no site at all or the previous one aside; the
  // previous tree is then where the new one was built, and goes from there.
  if (had_out &&
      ::renameat2(AT_FDCWD, m_temp.c_str(), AT_FDCWD, m_out.c_str(), RENAME_EXCHANGE) == 0) {
    old_tree = m_temp;
  } else {
    if (had_out) {
      // A leftover of an earlier process with our pid at m_old was removed by clean_stale() if
      // nines wrote it; the rename fails on anything else there (but an empty folder) and the
      // previous site stays.
      fs::rename(m_out, m_old, ec);
      if (ec) {
        discard();
        // A mount point (a container's volume, `-v $PWD/public:/public`) cannot be renamed:
        // the site must go into a folder inside it.
        const bool busy = ec == std::errc::device_or_resource_busy;
        throw WriteError(m_out.string() + ": cannot move the previous site aside: " + ec.message() +
                         (busy ? " (is it a mount point? the site is swapped in whole by renaming "
                                 "its folder: name a folder inside it, e.g. -o " +
                                     (m_out / "site").string() + ")"
                               : ""));
      }
    }
    fs::rename(m_temp, m_out, ec);
    if (ec) {
      std::string why = ec.message();
      if (had_out) fs::rename(m_old, m_out, ec); // put the previous site back
      discard();
      throw WriteError(m_out.string() + ": cannot move the new site in place: " + why);
    }
  }
  m_temp_created = false;
  m_committed = true;
  m_files.clear();
  // The renames reach the disk before the previous site is removed; should they not (an error
  // here), the new site is in place all the same and the old tree goes at the next run.
  try {
    flush_to_disk(m_out.parent_path().empty() ? fs::path(".") : m_out.parent_path(), false);
  } catch (const WriteError&) {
    had_out = false;
  }
  // After the swap: the stamps name the new manifest, so ones of a site that never came in are
  // never read as its.
  write_site_stamps(m_stamps, m_hashes, m_digest);
  // The new site is in place; an old tree that cannot be removed now (a folder made read-only)
  // is tried again at the next run, and the user is told, since it may stay until they act.
  if (had_out) {
    bool removed = false;
    try {
      removed = remove_tree(old_tree);
    } catch (const std::exception&) {
      // Out of memory or threads: the build succeeded all the same.
    }
    if (!removed)
      std::cerr << "nines: warning: the previous site, moved aside to " << old_tree.string()
                << ", could not be removed whole (a folder in it may be read-only); the next "
                   "build tries again, or remove it yourself\n";
  }
}

void write_file_atomic(const fs::path& shown_path, std::string_view bytes, LinkAtName at_link) {
  static std::atomic<unsigned> counter{0};
  // A document that is a symbolic link (a readiness review shared between folders) keeps being
  // one: the file it leads to is replaced, not the link by a file of its own. nines' own files
  // (the build state, the site's marker) replace whatever has their name, a link included, so a
  // link committed there never makes a build write where it leads.
  std::error_code link_ec;
  fs::path path = shown_path;
  if (at_link == LinkAtName::Follow && fs::is_symlink(fs::symlink_status(shown_path, link_ec)))
    if (fs::path real = fs::canonical(shown_path, link_ec); !link_ec) path = real;
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  fs::path temp = dir / ("." + path.filename().string() + ".tmp-" + pid_text() + "-" +
                         std::to_string(counter.fetch_add(1)));
  try {
    // Not fresh: a leftover of a killed run may have the name (its mode is set in any case).
    const std::string shown = shown_path.string();
    write_bytes(temp.string(), bytes, false, 07777, nullptr, &shown);
    // The file it replaces keeps its permissions: a review or report the user made private (0600)
    // must not become readable by everyone because nines recorded a sign-off in it.
    if (struct stat old{}; ::stat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode) &&
                           ::chmod(temp.c_str(), old.st_mode & 07777) != 0)
      throw WriteError("cannot write " + shown + ": " + errno_text(errno));
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) throw WriteError("cannot write " + shown + ": " + ec.message());
  } catch (...) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw;
  }
}

void remove_stale_temps(const fs::path& dir, std::string_view stem) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string_view own = std::string_view(name).substr(name[0] == '.' ? 1 : 0);
    if (own.rfind(stem, 0) != 0) continue;
    const long pid = pid_of_temp(own.substr(stem.size()), ".tmp-");
    std::error_code gone;
    if (pid >= 0 && !process_alive(pid)) fs::remove(it->path(), gone);
  }
}

} // namespace nines
