/**
 * @file
 * The statistics table: one row per output step or solve (DESIGN.md §6).
 */
#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/table_handler.h>

#include <string>

namespace FokkerPlanck
{
  /**
   * A TableHandler with fixed number formats, written by rank 0 as a text
   * table whose header lines name the columns ("# 1: time").
   */
  class StatisticsTable
  {
  public:
    /** Add @p value in column @p column of the current row (scientific). */
    void
    add(const std::string &column, double value);

    /** Add an integer column. */
    void
    add(const std::string &column, unsigned int value);

    /** Rewrite the whole table to @p filename (rank 0 only). */
    void
    write(const std::string &filename, MPI_Comm communicator) const;

    /** The underlying table. */
    const dealii::TableHandler &
    table() const
    {
      return handler;
    }

  private:
    dealii::TableHandler handler;
  };
} // namespace FokkerPlanck
