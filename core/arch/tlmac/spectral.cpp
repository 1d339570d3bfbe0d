// Spectral clustering of TLMAC steps (the paper's method): rows of the normalised incidence
// D_r^-1/2 A D_c^-1/2 (steps x unique groups) are embedded by its top-k left singular vectors, found by
// subspace iteration on the sparse matrix (the step x step similarity would not fit in memory for large
// conv layers), and labelled with cluster-QR, which needs no k-means restarts and is deterministic.

#include "arch/tlmac/cluster.h"

#include <Eigen/Dense>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <Eigen/SparseCore>
#include <cmath>
#include <random>

namespace luthier::arch::tlmac {

std::vector<int32_t> clusterSpectral(
    const StepSets& sets, int clusters, uint64_t seed, double effort, Progress* progress)
{
    const Eigen::Index steps = Eigen::Index(sets.groups.size());
    std::vector<int32_t> labels(size_t(steps), 0);
    if (clusters < 2 || steps <= clusters) {
        for (Eigen::Index s = 0; s < steps; ++s)
            labels[size_t(s)] = int32_t(s % std::max(1, clusters));
        return labels;
    }
    const Eigen::Index groups = Eigen::Index(std::max<int64_t>(sets.uniqueGroups, 1));

    std::vector<double> columnDegree(size_t(groups), 0.0);
    for (const auto& set : sets.groups)
        for (int32_t u : set)
            columnDegree[size_t(u)] += 1.0;
    std::vector<Eigen::Triplet<double>> entries;
    for (Eigen::Index s = 0; s < steps; ++s) {
        const auto& set = sets.groups[size_t(s)];
        const double rowScale = set.empty() ? 0.0 : 1.0 / std::sqrt(double(set.size()));
        for (int32_t u : set)
            entries.emplace_back(s, u, rowScale / std::sqrt(columnDegree[size_t(u)]));
    }
    Eigen::SparseMatrix<double, Eigen::RowMajor> a(steps, groups);
    a.setFromTriplets(entries.begin(), entries.end());
    const Eigen::SparseMatrix<double, Eigen::RowMajor> at = a.transpose();

    const Eigen::Index k = clusters;
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd x(steps, k);
    for (Eigen::Index j = 0; j < k; ++j)
        for (Eigen::Index i = 0; i < steps; ++i)
            x(i, j) = normal(rng);
    const int iterations = std::max(10, int(40 * effort));
    for (int it = 0; it < iterations; ++it) {
        if (progress) progress->checkpoint();
        Eigen::MatrixXd y = a * (at * x);
        Eigen::HouseholderQR<Eigen::MatrixXd> qr(y);
        x = qr.householderQ() * Eigen::MatrixXd::Identity(steps, k);
    }

    // Cluster-QR: pivoted QR of V^T picks k representative steps; rotate V onto them; label = argmax.
    const Eigen::MatrixXd vt = x.transpose();
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> pivoted(vt);
    const auto& perm = pivoted.colsPermutation().indices();
    Eigen::MatrixXd chosen(k, k);
    for (Eigen::Index j = 0; j < k; ++j)
        chosen.col(j) = vt.col(perm(j));
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(chosen, Eigen::ComputeFullU | Eigen::ComputeFullV);
    const Eigen::MatrixXd rotation = svd.matrixU() * svd.matrixV().transpose();
    const Eigen::MatrixXd scores = (x * rotation).cwiseAbs();
    for (Eigen::Index s = 0; s < steps; ++s) {
        Eigen::Index best = 0;
        scores.row(s).maxCoeff(&best);
        labels[size_t(s)] = int32_t(best);
    }
    refineClusters(sets, clusters, labels, seed, effort, progress);
    return labels;
}

} // namespace luthier::arch::tlmac
