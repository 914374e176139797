/**
 * @file
 * Arrays of doubles in HDF5 files, read and written with the HDF5 library's
 * C interface. deal.II's HDF5 wrappers check errors only in debug builds,
 * and cannot ask whether a dataset exists; here every failure (no file, not
 * an HDF5 file, no such dataset, a dataset that is not of numbers) is an
 * InputError that names the parameter entry, the file and the dataset.
 */
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace FokkerPlanck
{
  /** A dense array in C (row-major) order. */
  struct Hdf5Array
  {
    std::vector<std::size_t> shape;
    std::vector<double>      values;

    /** "(3, 4, 2)", for messages. */
    std::string
    shape_text() const;
  };

  /** An HDF5 file opened for reading; closed by the destructor. */
  class Hdf5Reader
  {
  public:
    /**
     * Open @p file_name; @p entry is the parameter entry that named it (for
     * the messages). Throws InputError if the file does not exist or is not
     * an HDF5 file.
     */
    Hdf5Reader(const std::string &file_name, const std::string &entry);
    ~Hdf5Reader();
    Hdf5Reader(const Hdf5Reader &) = delete;
    Hdf5Reader &
    operator=(const Hdf5Reader &) = delete;

    /** Whether the file has a dataset called @p name (at its root). */
    bool
    has(const std::string &name) const;

    /** The dataset @p name as doubles; InputError if it is missing. */
    Hdf5Array
    read(const std::string &name) const;

    /** "entry 'E': file 'F', dataset 'name': " prefix for messages. */
    std::string
    where(const std::string &name) const;

    /** The entry that named the file. */
    const std::string &
    entry() const
    {
      return entry_name;
    }

  private:
    std::string file_name;
    std::string entry_name;
    long long   file_id = -1;
  };

  /**
   * Write @p arrays (name, array) into a new file @p file_name (an existing
   * file is replaced). Throws std::runtime_error if the file cannot be
   * written. Serial: call it on one rank.
   */
  void
  write_hdf5_arrays(const std::string                                    &file_name,
                    const std::vector<std::pair<std::string, Hdf5Array>> &arrays);
} // namespace FokkerPlanck
