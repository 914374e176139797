#include <deal.II/base/utilities.h>

#include <fokker_planck/base/collective.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/output/staged_output.h>

#include <fstream>
#include <set>

namespace FokkerPlanck
{
  namespace
  {
    /** The list of the files a finished run wrote, in its results folder. */
    constexpr const char *manifest_name = ".fokker-planck-files";
  } // namespace

  StagedOutput::StagedOutput(const std::string &directory, const MPI_Comm communicator)
      : final_directory(directory)
      , staging(std::filesystem::path(directory) / ".incomplete")
      , communicator(communicator)
      , root(dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
  {
    collectively(
        [&]() {
          std::filesystem::remove_all(staging);
          std::filesystem::create_directories(staging);
        },
        "cannot create the folder '" + staging.string() + "'");
  }

  void
  StagedOutput::commit()
  {
    collectively(
        [&]() {
          const std::filesystem::path results(final_directory);
          std::set<std::string>       written;
          for (const auto &entry : std::filesystem::directory_iterator(staging))
            written.insert(entry.path().filename().string());
          {
            std::ofstream list(staging / manifest_name);
            for (const auto &name : written)
              list << name << '\n';
            list.close();
            if (!list)
              throw std::runtime_error("cannot write " + std::string(manifest_name));
          }
          written.insert(manifest_name);

          // Only names that an earlier run of this program listed are removed,
          // never a file the user put there.
          std::ifstream earlier(results / manifest_name);
          for (std::string name; std::getline(earlier, name);)
            if (!name.empty() && name != "." && name != ".." &&
                name.find('/') == std::string::npos && name != staging.filename() &&
                written.count(name) == 0)
              std::filesystem::remove_all(results / name);
          earlier.close();

          for (const auto &name : written)
            {
              const auto source = staging / name;
              const auto target = results / name;
              if (std::filesystem::is_directory(target) &&
                  std::filesystem::is_directory(source))
                std::filesystem::remove_all(target);
              std::filesystem::rename(source, target);
            }
          std::filesystem::remove(staging);
        },
        "cannot move the results from '" + staging.string() + "' into it");
    committed = true;
  }

  StagedOutput::~StagedOutput()
  {
    if (!committed && root)
      {
        std::error_code ignored;
        std::filesystem::remove_all(staging, ignored);
      }
  }

  template <typename Action>
  void
  StagedOutput::collectively(const Action &action, const std::string &what)
  {
    // Every rank has finished writing before rank 0 touches the folder.
    MPI_Barrier(communicator);
    run_collectively(communicator, [&]() {
      if (root)
        try
          {
            action();
          }
        catch (const std::exception &e)
          {
            throw InputError("Output/Directory", what + " (" + e.what() + ")");
          }
    });
  }
} // namespace FokkerPlanck
