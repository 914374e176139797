/**
 * @file
 * The error a user gets for bad input: one message that names the entry and
 * what is allowed. main() turns it into a single line on rank 0 and a
 * non-zero exit status.
 */
#pragma once

#include <stdexcept>
#include <string>

namespace FokkerPlanck
{
  /**
   * Bad input in a parameter file or on the command line. The message always
   * names the offending entry as "Subsection/Entry" and says what is allowed.
   */
  class InputError : public std::runtime_error
  {
  public:
    /**
     * @param entry   Full path of the entry, e.g. "Model/Temperature".
     * @param problem What is wrong and what is allowed.
     */
    InputError(const std::string &entry, const std::string &problem)
        : std::runtime_error("entry '" + entry + "': " + problem)
        , entry_name(entry)
        , problem_text(problem)
    {
    }

    /** The entry that is wrong. */
    const std::string &
    entry() const
    {
      return entry_name;
    }

    /** What is wrong, without the entry. */
    const std::string &
    problem() const
    {
      return problem_text;
    }

  private:
    std::string entry_name;
    std::string problem_text;
  };

  /**
   * The text of any exception on one line with single spaces; for deal.II
   * exceptions only the explanation, without the banner and stack trace.
   */
  std::string
  one_line_message(const std::exception &e);

  /** Throw an InputError unless @p condition holds. */
  inline void
  require(const bool condition, const std::string &entry, const std::string &problem)
  {
    if (!condition)
      throw InputError(entry, problem);
  }
} // namespace FokkerPlanck
