#include <deal.II/base/utilities.h>

#include <fokker_planck/base/input_error.h>
#include <fokker_planck/base/parsing.h>
#include <fokker_planck/monte_carlo/monte_carlo_parameters.h>

#include <cmath>
#include <set>

namespace FokkerPlanck
{
  using namespace dealii;

  std::string
  to_string(const MonteCarloParameters::Scheme scheme)
  {
    return scheme == MonteCarloParameters::Scheme::euler_maruyama ? "euler-maruyama"
                                                                  : "weak-order-2";
  }

  std::string
  to_string(const MonteCarloParameters::Noise noise)
  {
    switch (noise)
      {
        case MonteCarloParameters::Noise::gaussian:
          return "gaussian";
        case MonteCarloParameters::Noise::student_t:
          return "student-t";
        default:
          return "alpha-stable";
      }
  }

  std::string
  to_string(const MonteCarloParameters::StableShape shape)
  {
    return shape == MonteCarloParameters::StableShape::isotropic ? "isotropic"
                                                                 : "axis-wise";
  }

  std::string
  to_string(const MonteCarloParameters::Reflection reflection)
  {
    switch (reflection)
      {
        case MonteCarloParameters::Reflection::conormal:
          return "conormal";
        case MonteCarloParameters::Reflection::normal:
          return "normal";
        default:
          return "clip";
      }
  }

  // Long by design: a set of declarations, one per entry of 'Monte Carlo',
  // each with the documentation that --help prints.
  void
  MonteCarloParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Monte Carlo");
    {
      prm.add_parameter("Enabled",
                        enabled,
                        "Also simulate the SDE with an ensemble of particles "
                        "and compare it with the finite-element solution "
                        "(same as the command-line switch --monte-carlo). "
                        "Works on boxes and on Gmsh meshes (binned on the "
                        "mesh cells, reflected at the boundary faces).",
                        Patterns::Bool());
      prm.add_parameter("Number of trajectories",
                        n_trajectories,
                        "Number N of independent particles. They are split "
                        "into 'Number of batches' equal batches, which are "
                        "shared out over MPI ranks and threads.",
                        Patterns::Integer(2));
      prm.add_parameter("Time step",
                        time_step,
                        "Time step of the particles (units of the SDE's time).",
                        Patterns::Double(0.));
      prm.add_parameter("Burn-in time",
                        burn_in,
                        "Stationary problems: time simulated before "
                        "sampling starts (should exceed a few relaxation "
                        "times).",
                        Patterns::Double(0.));
      prm.add_parameter("Sampling time",
                        sampling_time,
                        "Stationary problems: time over which each particle "
                        "is sampled after the burn-in.",
                        Patterns::Double(0.));
      prm.add_parameter("Sampling interval",
                        sampling_interval,
                        "Stationary problems: sample every n-th step of the "
                        "sampling time (density, moments, current, e_p, "
                        "area rate).",
                        Patterns::Integer(1));
      prm.add_parameter("Recorded trajectories",
                        recorded_trajectories,
                        "Stationary problems: write the samples of the first n "
                        "trajectories (after the burn-in, every 'Sampling "
                        "interval' steps) to monte_carlo_trajectories.csv in the "
                        "output folder, in the trajectory format of "
                        "'fokker-planck --estimate' (doc/estimation.md). 0: none.",
                        Patterns::Integer(0));
      prm.add_parameter("Seed",
                        seed,
                        "Seed of the Philox counter-based generator: "
                        "trajectory k uses the key (seed, k) and the step as "
                        "counter, so results are bitwise the same for any "
                        "number of ranks and threads.",
                        Patterns::Integer(0));
      Parsing::add_selection(prm,
                             "Scheme",
                             scheme,
                             {{"euler-maruyama", Scheme::euler_maruyama},
                              {"weak-order-2", Scheme::weak_order_2}},
                             "'euler-maruyama' (weak order 1) or 'weak-order-2' "
                             "(Platen's explicit derivative-free scheme of weak "
                             "order 2, also for state-dependent D).");
      Parsing::add_selection(prm,
                             "Noise",
                             noise,
                             {{"gaussian", Noise::gaussian},
                              {"student-t", Noise::student_t},
                              {"alpha-stable", Noise::alpha_stable}},
                             "Law of the noise increments: 'gaussian' (the SDE of "
                             "the Fokker-Planck equation, covariance 2 T D dt), "
                             "'student-t' (the same covariance with heavy tails: "
                             "a common chi-square divisor per step, rescaled by "
                             "sqrt((nu-2)/nu)) or 'alpha-stable' (symmetric "
                             "alpha-stable jumps sqrt(2T) g dt^(1/alpha) L with "
                             "g g^T = D, scaled so that alpha = 2 is the Gaussian; "
                             "infinite variance for alpha < 2; doc/heavy_tails.md). "
                             "With alpha < 2 a reflecting face censors the jumps "
                             "that would leave (the particle stays) and an "
                             "absorbing face kills the particle that lands "
                             "outside. The Fokker-Planck comparison measures how "
                             "far these dynamics are from the diffusion.");
      prm.add_parameter("Degrees of freedom",
                        degrees_of_freedom,
                        "nu of the Student-t noise; must be > 2 so that the "
                        "covariance exists.",
                        Patterns::Double(0.));
      prm.add_parameter("Stability index",
                        stability_index,
                        "alpha in (0, 2] of the alpha-stable noise: tails "
                        "P(|L| > r) ~ r^-alpha; alpha = 2 is the Gaussian.",
                        Patterns::Double(0., 2.));
      Parsing::add_selection(
          prm,
          "Stable shape",
          stable_shape,
          {{"isotropic", StableShape::isotropic}, {"axis-wise", StableShape::axis_wise}},
          "dim > 1: 'isotropic' (L = sqrt(A) Z with Z standard "
          "normal and A positive alpha/2-stable: one jump "
          "size per step, rotation invariant) or 'axis-wise' "
          "(independent alpha-stable components: jumps along "
          "the axes of g).");
      Parsing::add_selection(prm,
                             "Reflection",
                             reflection,
                             {{"conormal", Reflection::conormal},
                              {"normal", Reflection::normal},
                              {"clip", Reflection::clip}},
                             "Treatment of reflecting faces (box faces or the "
                             "boundary faces of a Gmsh mesh). 'conormal': mirror "
                             "along D n, which gives zero normal flux n.J = 0. "
                             "'normal' (mirror along n) and 'clip' (projection "
                             "onto the face) are wrong unless D n is parallel to "
                             "n, resp. always; they exist to demonstrate the "
                             "error.");
      prm.add_parameter("Number of batches",
                        n_batches,
                        "Independent batches of trajectories. Standard "
                        "errors are those of the batch means; the batch is "
                        "also the unit of work of ranks and threads.",
                        Patterns::Integer(2));
      prm.add_parameter("Threads",
                        n_threads,
                        "Threads per MPI rank that share the batches.",
                        Patterns::Integer(1, 256));
      prm.add_parameter("Progress interval",
                        progress_interval,
                        "Seconds between progress lines on rank 0 "
                        "(trajectories done, rate, ETA); 0 disables them.",
                        Patterns::Double(0.));
      prm.add_parameter("Band draws",
                        band_draws,
                        "Number of multinomial draws from the finite-element "
                        "cell probabilities that give the sampling band of "
                        "the total variation distance.",
                        Patterns::Integer(10));
      prm.declare_entry("Initial point",
                        "",
                        Patterns::Anything(),
                        "Start every particle at this point (dim comma-"
                        "separated numbers). Empty: draw starting points "
                        "from 'Time stepping/Initial condition' (Gaussian "
                        "truncated to the domain, or the expression by "
                        "rejection).");
      prm.declare_entry("First-passage regions",
                        "",
                        Patterns::Anything(),
                        "Named regions for first-passage times, "
                        "'name: expression; name: expression'. A region is "
                        "{x : expression(x) > 0} in the variables x, y, z, "
                        "e.g. 'left: -0.5 - x; box: (x > 0) * (x < 1) * "
                        "(y > 0) * (y < 1)'. The time is that of the first "
                        "step at which a particle is inside.");
    }
    prm.leave_subsection();
  }

  void
  MonteCarloParameters::parse_parameters(ParameterHandler &prm)
  {
    // The entries bound in declare_parameters() are set as the file is
    // read; here only what needs more than a conversion.
    prm.enter_subsection("Monte Carlo");
    {
      initial_point.clear();
      if (!Utilities::trim(prm.get("Initial point")).empty())
        {
          try
            {
              initial_point = Parsing::get_doubles(prm, "Initial point");
            }
          catch (const std::exception &)
            {
              throw InputError("Monte Carlo/Initial point",
                               "'" + prm.get("Initial point") +
                                   "' is not a comma-separated list of numbers");
            }
        }
      regions.clear();
      for (const auto &item :
           Parsing::split_expressions(prm.get("First-passage regions")))
        {
          const auto colon = item.find(':');
          require(colon != std::string::npos && colon > 0 &&
                      !Utilities::trim(item.substr(0, colon)).empty() &&
                      !Utilities::trim(item.substr(colon + 1)).empty(),
                  "Monte Carlo/First-passage regions",
                  "'" + item +
                      "' is not of the form 'name: expression'; allowed is a "
                      "';'-separated list such as 'left: -0.5 - x; right: x - 0.5'");
          regions.emplace_back(Utilities::trim(item.substr(0, colon)),
                               Utilities::trim(item.substr(colon + 1)));
        }
    }
    prm.leave_subsection();
  }

  void
  MonteCarloParameters::check(const unsigned int        dim,
                              const GeometryParameters &geometry) const
  {
    if (!enabled)
      return;
    require(time_step > 0., "Monte Carlo/Time step", "must be > 0");
    require(n_batches <= n_trajectories,
            "Monte Carlo/Number of batches",
            "must not exceed 'Number of trajectories' (" +
                std::to_string(n_trajectories) + ")");
    require(noise != Noise::student_t || degrees_of_freedom > 2.,
            "Monte Carlo/Degrees of freedom",
            "must be > 2 for Student-t noise (so that its covariance is finite)");
    require(noise != Noise::alpha_stable || stability_index > 0.,
            "Monte Carlo/Stability index",
            "must be in (0, 2]");
    require(noise != Noise::alpha_stable || scheme == Scheme::euler_maruyama,
            "Monte Carlo/Scheme",
            "must be 'euler-maruyama' for alpha-stable noise (the weak order-2 "
            "scheme needs finite moments)");
    require(initial_point.empty() || initial_point.size() == dim,
            "Monte Carlo/Initial point",
            "needs dim = " + std::to_string(dim) + " coordinates");
    for (unsigned int k = 0; geometry.mesh_type == GeometryParameters::MeshType::box &&
                             k < initial_point.size();
         ++k)
      require(initial_point[k] >= geometry.lower_corner[k] &&
                  initial_point[k] <= geometry.upper_corner[k],
              "Monte Carlo/Initial point",
              "coordinate " + std::to_string(k) + " is outside the box");
    std::set<std::string> names;
    for (const auto &region : regions)
      require(names.insert(region.first).second,
              "Monte Carlo/First-passage regions",
              "the name '" + region.first + "' is used twice");
  }
} // namespace FokkerPlanck
