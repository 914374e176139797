#include <fokker_planck/base/hdf5_arrays.h>
#include <fokker_planck/base/input_error.h>

#include <hdf5.h>

#include <filesystem>
#include <stdexcept>

namespace FokkerPlanck
{
  namespace
  {
    /** The library's own error stack goes to stderr unless it is turned off. */
    void
    silence_hdf5()
    {
      H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }

    /** Closes an HDF5 handle at the end of a scope. */
    struct Handle
    {
      hid_t id;
      herr_t (*close)(hid_t);
      ~Handle()
      {
        if (id >= 0)
          close(id);
      }
    };
  } // namespace

  std::string
  Hdf5Array::shape_text() const
  {
    std::string text = "(";
    for (std::size_t k = 0; k < shape.size(); ++k)
      text += (k > 0 ? ", " : "") + std::to_string(shape[k]);
    return text + (shape.size() == 1 ? ",)" : ")");
  }

  Hdf5Reader::Hdf5Reader(const std::string &file_name, const std::string &entry)
      : file_name(file_name)
      , entry_name(entry)
  {
    silence_hdf5();
    require(std::filesystem::is_regular_file(file_name),
            entry,
            "the file '" + file_name + "' does not exist");
    require(H5Fis_hdf5(file_name.c_str()) > 0,
            entry,
            "the file '" + file_name + "' is not an HDF5 file");
    file_id = H5Fopen(file_name.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    require(file_id >= 0, entry, "the file '" + file_name + "' cannot be opened");
  }

  Hdf5Reader::~Hdf5Reader()
  {
    if (file_id >= 0)
      H5Fclose(file_id);
  }

  bool
  Hdf5Reader::has(const std::string &name) const
  {
    return H5Lexists(file_id, name.c_str(), H5P_DEFAULT) > 0 &&
           H5Oexists_by_name(file_id, name.c_str(), H5P_DEFAULT) > 0;
  }

  std::string
  Hdf5Reader::where(const std::string &name) const
  {
    return "file '" + file_name + "', dataset '" + name + "'";
  }

  Hdf5Array
  Hdf5Reader::read(const std::string &name) const
  {
    require(has(name), entry_name, where(name) + ": there is no such dataset");
    const Handle dataset{H5Dopen2(file_id, name.c_str(), H5P_DEFAULT), &H5Dclose};
    require(dataset.id >= 0, entry_name, where(name) + ": not a dataset");
    const Handle      type{H5Dget_type(dataset.id), &H5Tclose};
    const H5T_class_t kind = H5Tget_class(type.id);
    require(kind == H5T_FLOAT || kind == H5T_INTEGER,
            entry_name,
            where(name) + ": holds no numbers (floating-point or integer data expected)");
    const Handle space{H5Dget_space(dataset.id), &H5Sclose};
    const int    rank = H5Sget_simple_extent_ndims(space.id);
    require(rank >= 0, entry_name, where(name) + ": unreadable shape");
    std::vector<hsize_t> dims(rank);
    H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);

    Hdf5Array   array;
    std::size_t size = 1;
    for (const hsize_t n : dims)
      {
        array.shape.push_back(n);
        size *= n;
      }
    array.values.resize(size);
    if (size > 0)
      require(H5Dread(dataset.id,
                      H5T_NATIVE_DOUBLE,
                      H5S_ALL,
                      H5S_ALL,
                      H5P_DEFAULT,
                      array.values.data()) >= 0,
              entry_name,
              where(name) + ": cannot be read as doubles");
    return array;
  }

  void
  write_hdf5_arrays(const std::string                                    &file_name,
                    const std::vector<std::pair<std::string, Hdf5Array>> &arrays)
  {
    silence_hdf5();
    const Handle file{
        H5Fcreate(file_name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), &H5Fclose};
    if (file.id < 0)
      throw std::runtime_error("cannot create the HDF5 file '" + file_name + "'");
    for (const auto &[name, array] : arrays)
      {
        const std::vector<hsize_t> dims(array.shape.begin(), array.shape.end());
        const Handle space{H5Screate_simple(dims.size(), dims.data(), nullptr),
                           &H5Sclose};
        const Handle dataset{H5Dcreate2(file.id,
                                        name.c_str(),
                                        H5T_IEEE_F64LE,
                                        space.id,
                                        H5P_DEFAULT,
                                        H5P_DEFAULT,
                                        H5P_DEFAULT),
                             &H5Dclose};
        if (dataset.id < 0 || H5Dwrite(dataset.id,
                                       H5T_NATIVE_DOUBLE,
                                       H5S_ALL,
                                       H5S_ALL,
                                       H5P_DEFAULT,
                                       array.values.data()) < 0)
          throw std::runtime_error("cannot write the dataset '" + name + "' of '" +
                                   file_name + "'");
      }
  }
} // namespace FokkerPlanck
