#include <deal.II/base/exceptions.h>

#include <fokker_planck/base/input_error.h>

#include <sstream>

namespace FokkerPlanck
{
  std::string
  one_line_message(const std::exception &e)
  {
    std::string raw = e.what();
    if (const auto *exc = dynamic_cast<const dealii::ExceptionBase *>(&e))
      {
        std::ostringstream out;
        exc->print_info(out);
        raw = out.str();
      }
    // deal.II pads its messages for a terminal; make one plain line.
    std::string text;
    for (const char c : raw)
      {
        const char d = (c == '\n' || c == '\t') ? ' ' : c;
        if (!(d == ' ' && (text.empty() || text.back() == ' ')))
          text += d;
      }
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    return text;
  }
} // namespace FokkerPlanck
