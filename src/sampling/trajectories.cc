#include <fokker_planck/base/hdf5_arrays.h>
#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/instantiate.h>
#include <fokker_planck/sampling/trajectories.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace FokkerPlanck::Sampling
{
  namespace
  {
    std::string
    trim(const std::string &text)
    {
      const auto first = text.find_first_not_of(" \t\r");
      if (first == std::string::npos)
        return "";
      return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
    }

    std::vector<std::string>
    split(const std::string &line)
    {
      std::vector<std::string> fields;
      std::stringstream        stream(line);
      std::string              field;
      while (std::getline(stream, field, ','))
        fields.push_back(trim(field));
      if (!line.empty() && line.back() == ',')
        fields.emplace_back();
      return fields;
    }

    bool
    is_hdf5(const std::string &file)
    {
      for (const std::string ending : {".h5", ".hdf5"})
        if (file.size() >= ending.size() &&
            file.compare(file.size() - ending.size(), ending.size(), ending) == 0)
          return true;
      return false;
    }

    /** One sample as read, before grouping by run. */
    template <int dim>
    struct Row
    {
      long long          run;
      double             t;
      dealii::Point<dim> x;
      std::size_t        line;
    };

    /** Group @p rows by run (first appearance order), checking t. */
    template <int dim>
    Trajectories<dim>
    group(const std::vector<Row<dim>>    &rows,
          const std::vector<std::string> &names,
          const std::string              &where,
          const std::string              &entry,
          const char                     *row_word)
    {
      std::map<long long, std::size_t>           index;
      std::vector<std::vector<const Row<dim> *>> by_run;
      std::vector<long long>                     ids;
      for (const auto &row : rows)
        {
          const auto [it, inserted] = index.emplace(row.run, by_run.size());
          if (inserted)
            {
              by_run.emplace_back();
              ids.push_back(row.run);
            }
          auto &run = by_run[it->second];
          if (!run.empty() && !(row.t > run.back()->t))
            throw InputError(entry,
                             where + row_word + " " + std::to_string(row.line) +
                                 ": t = " + std::to_string(row.t) +
                                 " does not increase within run " +
                                 std::to_string(row.run) +
                                 " (previous t = " + std::to_string(run.back()->t) + ")");
          run.push_back(&row);
        }
      Trajectories<dim> result;
      result.names = names;
      for (std::size_t r = 0; r < by_run.size(); ++r)
        {
          std::vector<double>             t;
          std::vector<dealii::Point<dim>> x;
          for (const auto *row : by_run[r])
            {
              t.push_back(row->t);
              x.push_back(row->x);
            }
          result.add_run(ids[r], t, x);
        }
      if (result.n_pairs() == 0)
        throw InputError(entry,
                         where + "has " + std::to_string(rows.size()) +
                             " sample(s) and no run with two consecutive samples; "
                             "the estimate needs increments X(t_k+1) - X(t_k)");
      return result;
    }

    template <int dim>
    Trajectories<dim>
    read_csv(const std::string &file, const std::string &entry)
    {
      const std::string where = "trajectory file '" + file + "': ";
      std::ifstream     in(file);
      if (!in)
        throw InputError(entry, where + "cannot be opened (no such file?)");
      std::string line;
      std::size_t number = 0;
      // The header: the first line that is not empty or a comment.
      std::vector<std::string> header;
      while (std::getline(in, line))
        {
          ++number;
          const std::string text = trim(line);
          if (text.empty() || text[0] == '#')
            continue;
          header = split(text);
          break;
        }
      int                      run_column = -1, t_column = -1;
      std::vector<int>         coordinate_columns;
      std::vector<std::string> names;
      for (unsigned int c = 0; c < header.size(); ++c)
        if (header[c] == "run")
          run_column = c;
        else if (header[c] == "t")
          t_column = c;
        else
          {
            coordinate_columns.push_back(c);
            names.push_back(header[c]);
          }
      std::string columns;
      for (const auto &h : header)
        columns += (columns.empty() ? "" : ", ") + h;
      const std::string expected =
          "; expected a header row with the columns 'run', 't' and " +
          std::to_string(dim) + " coordinate column(s) (dim = " + std::to_string(dim) +
          "), e.g. 'run,t" +
          (dim == 1   ? ",x"
           : dim == 2 ? ",x,y"
                      : ",x,y,z") +
          "'";
      if (run_column < 0 || t_column < 0)
        throw InputError(entry,
                         where + "the header (line " + std::to_string(number) + ": '" +
                             columns + "') has no column '" +
                             (run_column < 0 ? "run" : "t") + "'" + expected);
      if (coordinate_columns.size() != dim)
        throw InputError(entry,
                         where + "the header (line " + std::to_string(number) + ": '" +
                             columns + "') has " +
                             std::to_string(coordinate_columns.size()) +
                             " coordinate column(s)" + expected);
      for (const auto &name : names)
        if (name.empty())
          throw InputError(entry,
                           where + "the header has an empty column name" + expected);

      std::vector<Row<dim>> rows;
      while (std::getline(in, line))
        {
          ++number;
          const std::string text = trim(line);
          if (text.empty() || text[0] == '#')
            continue;
          const auto fields = split(text);
          if (fields.size() != header.size())
            throw InputError(entry,
                             where + "line " + std::to_string(number) + " has " +
                                 std::to_string(fields.size()) +
                                 " field(s), the header " +
                                 std::to_string(header.size()));
          const auto number_at = [&](const int c) {
            const char  *begin = fields[c].c_str();
            char        *end   = nullptr;
            const double v     = std::strtod(begin, &end);
            if (fields[c].empty() || *end != '\0')
              throw InputError(entry,
                               where + "line " + std::to_string(number) + ", column '" +
                                   header[c] + "': '" + fields[c] + "' is not a number");
            if (!std::isfinite(v))
              throw InputError(entry,
                               where + "line " + std::to_string(number) + ", column '" +
                                   header[c] + "': " + fields[c] +
                                   " (values must be finite)");
            return v;
          };
          Row<dim>     row;
          const double run = number_at(run_column);
          if (run != std::floor(run))
            throw InputError(entry,
                             where + "line " + std::to_string(number) +
                                 ", column 'run': '" + fields[run_column] +
                                 "' is not an integer");
          row.run  = static_cast<long long>(run);
          row.t    = number_at(t_column);
          row.line = number;
          for (unsigned int i = 0; i < dim; ++i)
            row.x[i] = number_at(coordinate_columns[i]);
          rows.push_back(row);
        }
      return group(rows, names, where, entry, "line");
    }

    template <int dim>
    Trajectories<dim>
    read_hdf5(const std::string &file, const std::string &entry)
    {
      const Hdf5Reader         reader(file, entry);
      static const char *const axes[] = {"x", "y", "z"};
      std::vector<std::string> names  = {"run", "t"};
      std::vector<Hdf5Array>   data;
      for (unsigned int i = 0; i < dim; ++i)
        names.push_back(axes[i]);
      for (const auto &name : names)
        {
          if (!reader.has(name))
            throw InputError(entry,
                             reader.where(name) +
                                 "missing; a trajectory file in HDF5 has the datasets "
                                 "'run', 't' and " +
                                 (dim == 1   ? "'x'"
                                  : dim == 2 ? "'x', 'y'"
                                             : "'x', 'y', 'z'") +
                                 " of equal length");
          data.push_back(reader.read(name));
          if (data.back().values.size() != data[0].values.size() ||
              data.back().shape.size() != 1)
            throw InputError(
                entry,
                reader.where(name) + "has shape " + data.back().shape_text() +
                    ", dataset 'run' " + data[0].shape_text() +
                    "; all datasets must be one-dimensional of equal length");
          for (std::size_t k = 0; k < data.back().values.size(); ++k)
            if (!std::isfinite(data.back().values[k]))
              throw InputError(entry,
                               reader.where(name) + "value " + std::to_string(k) +
                                   " is not finite");
        }
      std::vector<Row<dim>> rows(data[0].values.size());
      for (std::size_t k = 0; k < rows.size(); ++k)
        {
          rows[k].run  = std::llround(data[0].values[k]);
          rows[k].t    = data[1].values[k];
          rows[k].line = k;
          for (unsigned int i = 0; i < dim; ++i)
            rows[k].x[i] = data[2 + i].values[k];
        }
      return group(rows,
                   std::vector<std::string>(names.begin() + 2, names.end()),
                   "trajectory file '" + file + "': ",
                   entry,
                   "sample");
    }
  } // namespace

  template <int dim>
  Trajectories<dim>
  Trajectories<dim>::read(const std::string &file, const std::string &entry)
  {
    return is_hdf5(file) ? read_hdf5<dim>(file, entry) : read_csv<dim>(file, entry);
  }

  template <int dim>
  void
  Trajectories<dim>::add_run(const long long                        id,
                             const std::vector<double>             &times,
                             const std::vector<dealii::Point<dim>> &run_points)
  {
    runs.push_back(id);
    time.insert(time.end(), times.begin(), times.end());
    points.insert(points.end(), run_points.begin(), run_points.end());
    run_begin.push_back(points.size());
  }

  template <int dim>
  void
  Trajectories<dim>::write_csv(const std::string &file) const
  {
    std::ofstream out(file);
    out << "run,t";
    for (unsigned int i = 0; i < dim; ++i)
      out << "," << (i < names.size() ? names[i] : std::string(1, "xyz"[i]));
    out << "\n" << std::setprecision(17);
    for (std::size_t r = 0; r < runs.size(); ++r)
      for (std::size_t k = run_begin[r]; k < run_begin[r + 1]; ++k)
        {
          out << runs[r] << "," << time[k];
          for (unsigned int i = 0; i < dim; ++i)
            out << "," << points[k][i];
          out << "\n";
        }
  }

#define FP_INSTANTIATE(dim) template struct Trajectories<dim>;
  FP_FOR_EACH_DIM(FP_INSTANTIATE)
#undef FP_INSTANTIATE
} // namespace FokkerPlanck::Sampling
