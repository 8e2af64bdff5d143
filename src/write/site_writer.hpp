// Atomic output of the site: the new tree replaces the old one only when it is complete.
#pragma once

#include "diag/errors.hpp"
#include "model/digest.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nines {

class WriteError : public FatalError {
public:
  using FatalError::FatalError;
};

// The output folder cannot be used: it is the repository, holds it, lies inside it (other than
// its `site/` folder), is a file, or is a non-empty folder that no nines build wrote. A usage
// error (exit 2), thrown before anything is touched.
class OutputRefused : public UsageError {
public:
  using UsageError::UsageError;
};

// The file nines writes into every site it builds. Only a folder holding it (or an empty or
// missing one) is ever replaced, so `-o` can never wipe a folder nines did not write.
inline constexpr const char* k_site_marker = ".nines-site";

// content_hash (model/digest.hpp) tells whether a file or an input changed between two builds.

// What a previous build wrote into its site's marker: every file with its content hash and size,
// and the hash of the marker itself (which stands for the whole tree). Empty when the folder has
// no marker, or one without a manifest nines can read (an older nines, a marker written by hand,
// cut short or damaged); `digest` is set exactly when the manifest was read.
struct SiteManifest {
  struct File {
    std::string hash;
    std::uint64_t size = 0;
    std::string input; // a page's input hash (SiteWriter::reuse); empty for other files
    // Where the file is on disk, as nines left it (the site's stamps, below; not in the marker):
    // its inode, modification time in nanoseconds and permission bits. ino 0: not known.
    std::uint64_t ino = 0;
    std::int64_t mtime_ns = 0;
    std::uint32_t mode = 0;
  };
  std::map<std::string, File> files;
  std::string digest; // content_hash of the marker file
};
SiteManifest read_site_manifest(const std::filesystem::path& out);

// The site's stamps: the inode and modification time of each file of the site as nines wrote or
// linked it, and the permission bits nines gave them all (one mode for the whole site, which
// write_site_stamps() records only when every file has it). A file whose lstat still shows them
// (and its recorded size) holds the bytes the manifest records without being read: an edit by
// hand either makes a new file (`sed -i`, an editor saving by rename) or writes the old one, which
// changes its modification time; a chmod changes neither, hence the mode. They are
// kept in a file of the build's own outside the site (beside the build record), not in the
// marker, so the site's bytes stay the same whoever built it where; the file names the manifest
// it describes by its digest. read_site_stamps() fills `ino` and `mtime_ns` of `manifest` from
// the file at `path` when it describes that manifest, and says whether it did (stamps of an older
// nines, which recorded no mode, are read with mode 0644, the mode it gave every file); without
// stamps no file of the site is trusted (it is written again, not linked). write_site_stamps()
// writes the stamps of `files`, the manifest with `digest`, atomically; a failure, or files of
// different modes, only cost the next build its links.
bool read_site_stamps(const std::filesystem::path& path, SiteManifest& manifest);
void write_site_stamps(const std::filesystem::path& path,
                       const std::map<std::string, SiteManifest::File>& files,
                       const std::string& digest) noexcept;

// Whether every file the manifest lists is still in `out` as nines left it, by one lstat each:
// a plain file with its recorded size, inode, modification time and mode (the stamps, which the
// manifest must have: read_site_stamps), and the marker with that mode too (one lstat more). A
// cheap check that the site was not edited, damaged or chmodded since; the bytes are not read.
bool site_matches_manifest(const std::filesystem::path& out, const SiteManifest& manifest);

// The output folder as the writer names it: absolute, normal, without a trailing separator
// ("public", "./public/" and "/abs/public" are all "/abs/public"), so that parent_path() is the
// folder holding OUT and filename() its name. Every record of a build keyed by its output folder
// uses this form, so `-o public/` and `-o public` are one folder. Taken as it is when the current
// directory cannot be read.
std::filesystem::path normal_output_dir(const std::filesystem::path& out);

// Throws OutputRefused when `out` must not be replaced by a site built from the repository at
// `repo_root` (empty: no repository rules, only the folder's own). Reads only; for drivers that
// check before doing any work. A folder with a marker is a previous site only when the marker
// holds a manifest (or the folder holds nothing else): without one, nines cannot tell its files
// from the user's. This check only looks at the marker's ends (it runs before every build); the
// writer reads the manifest whole and refuses the folder the same way when it cannot.
void check_output_dir(const std::filesystem::path& out, const std::filesystem::path& repo_root);
// Whether `out` lies strictly inside the repository at `repo_root`, and whether two paths name
// the same folder, symbolic links resolved, as check_output_dir compares them: an `-o` inside the
// repository is judged once nines.yaml is read, since the folder its `output` names may be it.
bool lies_inside(const std::filesystem::path& out, const std::filesystem::path& repo_root);
bool same_folder(const std::filesystem::path& a, const std::filesystem::path& b);

// Collects the files of a site and swaps them in as a whole.
//
// Files go to a temporary directory `OUT.tmp-nines-<pid>` beside OUT (same parent, so the final
// rename stays on one file system and is atomic), whose first file is the marker's first line,
// written at commit() (InMemory) or as they are added (Streaming, for sites too large to hold).
// commit() renames OUT to `OUT.old-nines-<pid>`, the temporary directory to OUT, and removes the
// old tree. Until then OUT is untouched: a writer destroyed without commit(), or a failure
// anywhere before the swap, removes the temporary directory, and a failure between the two
// renames puts the old OUT back.
//
// A run killed half-way leaves `OUT.tmp-nines-<pid>` (or, killed between the renames,
// `OUT.old-nines-<pid>` and no OUT); the next writer for OUT removes such leftovers of processes
// that no longer run, and restores an orphaned `OUT.old-nines-*` if OUT is missing, so the
// previous site is never lost. A process still running is never raced: its folders stay (without
// a note) while it may still be using them, a build that has swapped its site in still removing
// its old tree as it exits included, and go with the first build of any kind after it ended (our
// own pid is an earlier process's that had it: containers start every run as the same pid). It
// touches one only when nines provably wrote it: empty, or holding a marker that is a temporary
// tree's first line, has a readable manifest, or is all there is. Anything else with those names,
// and the `OUT.tmp-<pid>` and `OUT.old-<pid>` of older versions (a user's `site.old-2024` has that
// form), is left alone, with a warning (notes()) when it may be a leftover. One writer per OUT at a
// time.
//
// Output is deterministic: the tree does not depend on the order files are added in, files get
// mode 0644 and directories 0755 whatever the umask (a rebuild too: below), and nothing but the
// given bytes and the
// marker file k_site_marker is written. The marker holds a manifest (every file's content hash
// and size, and a page's input hash), sorted by path, so a rebuild can tell what changed; the
// same files give the same marker.
//
// Streaming mode writes each file as it is added, from whichever thread adds it (the hashing and
// writing happen outside the writer's lock), so a site never has to be held in memory whole; only
// each file's path, hash and size are kept, for the manifest.
//
// Files of the previous OUT that its manifest does not list (a CNAME or a verification file put
// there by hand, a folder of the user's) are not nines's to delete: commit() links them into the
// new tree, as Hugo leaves what it did not write in its output folder. One at a path the new site
// writes (or a folder of it) is a conflict only the user can settle: commit() throws WriteError
// naming it and the previous site stays as it was. A listed file at a path the new site writes
// is replaced (a page edited by hand is repaired); a listed file the new site no longer writes
// goes with the old tree only while it holds the bytes the manifest records (size, then content
// hash), and is carried like the user's otherwise. An OUT whose marker has no readable manifest
// is refused (OutputRefused) unless the marker is all it holds.
//
// Incremental: a file whose bytes equal those of the same path in the previous OUT (by the
// previous manifest's hash and size), when the old file is still as nines left it (its size,
// inode and modification time as the site's stamps record them), is hard-linked from there
// into the temporary directory instead of written again (a file edited by hand is written
// anew). Only while it still has the mode a fresh write gives (the writer learns it from the
// first file it writes, its marker): a link shares the inode and so the mode, and a file the user
// chmodded in the old site (600, +x) would keep that mode in every later site, so it is written
// anew instead (reuse() and keep(), which have no bytes, copy it). The old tree is never
// modified, its modes included (it may still be served until the swap), so the swap stays
// atomic and a failed build still leaves the previous site as it was. Where links cannot be made
// (another file system, a file system without them) the file is written. The check costs no
// system call: the mode comes with the lstat that checks the stamps.
class SiteWriter {
public:
  enum class Mode { InMemory, Streaming };

  // Runs check_output_dir(out, repo_root) first and reads OUT's manifest: a refused folder throws
  // OutputRefused and nothing is touched (not even leftovers of killed runs beside it). `stamps`:
  // the file of the site's stamps (read_site_stamps), read for the previous site and written at
  // commit() for the new one; empty: none kept, and no file of the previous site is linked.
  explicit SiteWriter(std::filesystem::path out, Mode mode = Mode::InMemory,
                      const std::filesystem::path& repo_root = {},
                      std::filesystem::path stamps = {});
  ~SiteWriter();
  SiteWriter(const SiteWriter&) = delete;
  SiteWriter& operator=(const SiteWriter&) = delete;

  // Adds a file at `path` relative to OUT, '/'-separated. Refuses (WriteError) absolute paths,
  // empty, "." and ".." segments, backslashes and control characters, the marker's name, a path
  // added twice, and a path that is also a directory of another ("a" and "a/b"). `input` is the
  // hash of everything the file was made from (a page's layout, theme and view), recorded in the
  // manifest for reuse() by the next build; empty for files that are not to be reused that way.
  // Thread-safe; in Streaming mode the file is written (or linked) before add() returns. Returns
  // the file's content_hash, as the manifest records it, so a caller need not hash it again.
  std::string add(std::string_view path, std::string bytes, std::string input = {});

  // The next build's shortcut for a file it has not made yet: when the previous site's manifest
  // records the same non-empty `input` hash for `path` and the old file is still there as nines
  // left it (its size and stamps), it is hard-linked into the new tree (copied when its mode was
  // changed: see above), recorded as if added (the previous manifest's entry, copied to
  // `*previous` when given) and true is returned; the caller
  // then need not make the file at all. Otherwise false, nothing is recorded, and the caller add()s
  // the file. Same path rules and thread safety as add(). The caller vouches that equal inputs
  // give equal bytes (the same renderer made both).
  bool reuse(std::string_view path, const std::string& input,
             SiteManifest::File* previous = nullptr);

  // The previous site's file at `path`, kept as it is: hard-linked (or copied) into the new tree
  // and recorded with the previous manifest's entry when the old file is still as nines left it
  // (its size and stamps), as reuse() does without comparing inputs. False when it is not (or
  // `path` was not in the previous site); nothing is recorded then.
  bool keep(std::string_view path);

  // Whether `path` was added (or reused). Thread-safe.
  bool contains(const std::string& path) const;

  // The files added so far (InMemory; empty in Streaming mode) and the paths in either mode, in
  // order.
  const std::map<std::string, std::string>& files() const { return m_files; }
  std::vector<std::string> paths() const;

  // Files taken from the previous site, not written: all of them (by content or by input), and
  // those of them taken by reuse(). Hard links, but for the files reuse() and keep() copied
  // because their mode had been changed. Final after commit().
  std::size_t reused() const { return m_reused; }
  std::size_t reused_by_input() const { return m_reused_inputs; }
  // After commit(): content_hash of the marker written (SiteManifest::digest of the new site).
  const std::string& manifest_digest() const { return m_digest; }

  // Writes what is still in memory and swaps the tree in. At most once.
  void commit();

  // OUT's manifest as it was when the writer was made (empty for a new folder).
  const SiteManifest& previous() const { return m_previous; }

  const std::filesystem::path& out() const { return m_out; }
  const std::filesystem::path& temp_dir() const { return m_temp; }

  // What the writer left alone beside OUT and why (each also printed to stderr as a warning):
  // folders with the names of its leftovers that it cannot prove it wrote.
  const std::vector<std::string>& notes() const { return m_notes; }

  // Whether `path` is acceptable to add(), for callers that build paths from content ids.
  static bool is_valid_path(std::string_view path);

  // Removes what builds into `out` that were killed left beside it (their temporary trees and
  // set-aside sites, when nines wrote them and their process is gone; a set-aside site goes back
  // to a missing OUT), as every writer does first. For a build that keeps the previous site as it
  // stands (nothing changed, or only prose rewritten in place) and so makes no writer. `out` in
  // any form the user gave it (`public`, `public/`, `./public`): it is made absolute and normal
  // first, as the writer makes it, so the folders beside it are found whichever build runs.
  // Returns the notes on what it left alone, each also printed to stderr as a warning.
  static std::vector<std::string> clean_stale(const std::filesystem::path& out);

private:
  void create_temp();
  // Writes (or links) the file; its stamps go into `mine`.
  void write_one(const std::string& rel, const std::string& bytes, SiteManifest::File& mine);
  // Links the previous site's file at `rel` into the new tree when it is as nines left it and has
  // the mode a fresh write gives (m_file_mode); `placed` then gets its stamps. One that is as
  // nines left it but for its mode is copied instead when `copy` (reuse(), keep()), else left
  // for the caller to write from its bytes. False when nothing was placed.
  bool link_previous(const std::string& rel, const SiteManifest::File& previous, bool copy,
                     SiteManifest::File& placed);
  // reuse() and keep(): claims `p`, links the previous site's file and records `previous` for it.
  bool link_entry(const std::string& p, const SiteManifest::File& previous);
  // A directory of the temporary tree that one add() claimed and makes outside the lock; later
  // adds below it wait for it (m_dir_made) instead of making it again.
  struct DirClaim {
    std::string dir;
    bool mine = false;
  };
  enum class DirState { Making, Made, Failed };
  void make_parent_dirs(const std::string& rel); // under m_mutex, synchronous
  // Under m_mutex. Streaming: returns the file's parent directories still to be made or waited
  // for, which make_claimed_dirs() then handles outside the lock.
  std::vector<DirClaim> reserve(const std::string& path);
  void make_claimed_dirs(const std::vector<DirClaim>& claims); // not under m_mutex
  void discard() noexcept;
  void carry_user_files();

  std::filesystem::path m_out;
  std::filesystem::path m_temp;
  std::filesystem::path m_old;
  std::filesystem::path m_repo_root;
  std::filesystem::path m_stamps; // the site's stamps (read_site_stamps); empty: none
  std::string m_out_prefix;       // "OUT/", for the paths of the previous site's files
  std::string m_temp_prefix;      // "OUT.tmp-nines-<pid>/"
  unsigned m_umask = 07777;       // the umask when the writer was made: which modes need setting
  // The permission bits a fresh write gives on this file system (0644 where modes are kept), as
  // the marker got them; a previous file with others is not linked.
  std::uint32_t m_file_mode = 0644;
  Mode m_mode;
  bool m_temp_created = false;
  bool m_committed = false;
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_files;
  std::map<std::string, SiteManifest::File> m_hashes; // every file added, for the manifest
  SiteManifest m_previous;                            // OUT's manifest when the writer was made
  std::string m_digest;
  std::vector<std::string> m_notes;
  std::atomic<std::size_t> m_reused{0};
  std::atomic<std::size_t> m_reused_inputs{0};
  // Directories of the temporary tree, each prefix: made, or being made by one thread.
  // Hash tables, not trees: every file of a site looks up and inserts its path and each of its
  // folders under the writer's lock, and the trees' string comparisons held up the other threads.
  std::unordered_map<std::string, DirState> m_made_dirs;
  std::condition_variable m_dir_made; // with m_mutex: a claimed directory was made (or failed)
  std::unordered_set<std::string> m_paths;
  std::unordered_set<std::string> m_dirs;
};

// Removes the folder `dir` and everything below it, as `rm -r` would (a symbolic link is removed,
// never followed), on a few threads: an old site of 10,000 pages is as many folders and files.
// True when nothing is left; a file or a link at `dir` is removed too, a missing one is fine.
bool remove_tree(const std::filesystem::path& dir);

// A new version of one file of a site: its bytes, and for a page its input hash (SiteWriter::add).
struct SiteFileUpdate {
  std::string bytes;
  std::string input;
};

// At most this many files are replaced in place by replace_site_files; more go by a new tree.
inline constexpr std::size_t k_replace_in_place_max = 16;

// Replaces some files of the nines site in `out` (for a build that changed nothing else: see the
// prose rebuild in docs/performance.md), and the marker's manifest with them. `manifest` is the
// site's manifest as read before; every file must be in it, and the site must still have it.
// More than `in_place_max` files: the new site is a tree of its own, the new files written into
// it and every other file hard-linked from the site (which must be as nines left it: its stamps,
// in the file `stamps`), swapped in whole as SiteWriter::commit() does, so a reader or a kill sees
// the previous site or the new one. A few files (a body edit's page and the search index): each
// is replaced in place, atomically, which costs a few renames where a new tree costs a link and a
// folder for every page. Every new file is written beside its old one first, so a failure there
// (a full disk) leaves the site as it was; then each old file and the marker get a second name (a
// hard link) and a journal at the site's root lists them, the manifest is written without those
// files, the new files are renamed in, the manifest is written with them, and the second names
// and the journal go. A failure during those renames puts the previous site back at once; a run
// killed there leaves it to recover_site_files, which every build into the folder runs first.
// `repo_root` is SiteWriter's; `jobs` the threads that link (parallel_for's). Returns the new
// manifest's digest; throws WriteError (the site then stays as it was).
std::string replace_site_files(const std::filesystem::path& out, const SiteManifest& manifest,
                               const std::map<std::string, SiteFileUpdate>& files,
                               const std::filesystem::path& stamps = {},
                               const std::filesystem::path& repo_root = {}, int jobs = 1,
                               std::size_t in_place_max = k_replace_in_place_max);

// Undoes what a replacement of files in place (replace_site_files), killed part-way, left
// half-done in `out` (its journal names a process no longer running): every old file and the
// old marker go back, the new bytes go. A run killed after its renames only left second names to
// clear, which go. True when files were put back; false when there was nothing to undo (or the run
// is still going).
bool recover_site_files(const std::filesystem::path& out);

// One build of a repository at a time: two builds at once into one folder would each take the
// other's new pages for files of the user's (not in the manifest it read) and carry them into
// its site. Held from before a build reads anything until it ends; a second build waits for it,
// saying so on stderr. The lock is `lock_file` (created, with its folder, when missing; never
// removed, as it may be waited on); where it cannot be made (a read-only repository, which
// cannot hold the store either) the build goes on without it.
// The second form locks the folder that holds the output folder `output` (when it exists), for
// builds of other repositories, or other clones, into the same folder: they wait for each other.
class BuildLock {
public:
  struct OutputFolder {};
  explicit BuildLock(const std::filesystem::path& lock_file);
  BuildLock(const std::filesystem::path& output, OutputFolder);
  ~BuildLock();
  BuildLock(const BuildLock&) = delete;
  BuildLock& operator=(const BuildLock&) = delete;
  bool held() const { return m_fd >= 0; }

private:
  int m_fd = -1;
};

// Waits until what was written into the file system holding the folder `dir` is on disk
// (`whole_file_system`: syncfs, used for a new tree before it is swapped in), or only the folder's
// own entries (fsync: the renames of a swap). Throws WriteError naming `dir` and the reason; a
// file system that cannot sync at all (EINVAL) is not an error.
void flush_to_disk(const std::filesystem::path& dir, bool whole_file_system);

// Replaces the file at `path` with `bytes` atomically: a temporary file in the same directory
// (".NAME.tmp-PID-N"), then a rename, so readers see the old or the new content, never a partial
// one. A failure throws WriteError "cannot write PATH: REASON", naming `path`, never the
// temporary file. A `path` that is a symbolic link stays one and the file it leads to is
// replaced (Follow: a document the user linked); with Replace the link itself is replaced (nines'
// own files, whose folder a repository may hold links in, must never be written elsewhere).
enum class LinkAtName { Follow, Replace };
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                       LinkAtName at_link = LinkAtName::Follow);

// Removes from the folder `dir` the temporary files that processes no longer running left for
// the files whose names start with `stem`: write_file_atomic's ".NAME.tmp-PID-N" and a streamed
// file's "NAME.tmp-PID". A build killed while renaming one into place leaves it, and only its
// own process would have removed it. Others' files, and those of a process still running, stay.
void remove_stale_temps(const std::filesystem::path& dir, std::string_view stem);

} // namespace nines
