/**
 * @file
 * The Cholesky factor of a small symmetric matrix: the noise matrix
 * sqrt(2T) L of the particles (L Lᵀ = D) and the correlated normals of
 * the SGD data and starting points.
 */
#pragma once

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <cmath>

namespace FokkerPlanck
{
  /**
   * Lower-triangular L with L Lᵀ = S for a symmetric positive
   * semi-definite S (a zero pivot gives a zero column).
   */
  template <int dim>
  dealii::Tensor<2, dim>
  cholesky(const dealii::SymmetricTensor<2, dim> &S)
  {
    dealii::Tensor<2, dim> L;
    for (unsigned int j = 0; j < dim; ++j)
      {
        double d = S[j][j];
        for (unsigned int k = 0; k < j; ++k)
          d -= L[j][k] * L[j][k];
        L[j][j] = d > 0. ? std::sqrt(d) : 0.;
        for (unsigned int i = j + 1; i < dim; ++i)
          {
            double s = S[i][j];
            for (unsigned int k = 0; k < j; ++k)
              s -= L[i][k] * L[j][k];
            L[i][j] = L[j][j] > 0. ? s / L[j][j] : 0.;
          }
      }
    return L;
  }
} // namespace FokkerPlanck
