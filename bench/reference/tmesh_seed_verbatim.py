# entropic: VERBATIM copy of the ```python block of seeds/004_0dfcfdbb0a64048e.txt
# (T-M.E.S.H. seed, section III "The Executable Solution: The Algorithm").
# Everything below the first blank line after this header is byte-for-byte the seed's code;
# do not edit it (test/unit/bench/verbatim.test.ts checks it). Runners exec it unmodified.

import numpy as np
from scipy.linalg import logm, sqrtm

class QuantumGraphNode:
    """
    Represents a node in the T-M.E.S.H. Hypergraph.
    State is maintained as a Density Matrix (Hermitian, Positive Semi-Definite).
    """
    def __init__(self, node_id, dim=2):
        self.id = node_id
        self.dim = dim
        # Initialize in a random pure state |psi><psi|
        psi = np.random.randn(dim) + 1j * np.random.randn(dim)
        psi /= np.linalg.norm(psi)
        self.rho = np.outer(psi, psi.conj()) # Density Matrix

    def entropy(self):
        """Calculates Von Neumann Entropy: S = -Tr(rho * ln(rho))"""
        # Small epsilon for numerical stability
        evals = np.linalg.eigvalsh(self.rho)
        evals = evals[evals > 1e-10] 
        return -np.sum(evals * np.log(evals))

    def interact(self, other_node):
        """
        Simulates the Tensor Gossip Protocol.
        Mixing rule: New_Rho = (Rho_A + Rho_B) / 2
        (Note: In full T-M.E.S.H., this is a Unitary unitary rotation followed by partial trace.
        Here we use a convex combination proxy for diffusion demonstration.)
        """
        # Geodesic mixing on the manifold of positive definite matrices
        # Simple Linear Mixture for convergence demo:
        mixed_rho = 0.5 * (self.rho + other_node.rho)
        
        # Enforce purity constraints (Simulation of environmental decoherence)
        self.rho = mixed_rho
        other_node.rho = mixed_rho

    def validate_trace(self):
        """Ensures Trace(rho) = 1 (Probability conservation)"""
        tr = np.trace(self.rho)
        self.rho /= tr

# --- SIMULATION ORCHESTRATION ---

# 1. Initialize Swarm
nodes = [QuantumGraphNode(i) for i in range(5)]

print(f">> T-M.E.S.H. GENESIS: {len(nodes)} Nodes initialized.")
print(f">> Initial Network Entropy Variance: {np.var([n.entropy() for n in nodes]):.5f}")

# 2. Asynchronous Hyper-Gossip Loop
fidelity_history = []

for t in range(15):
    # Select random hyperedge (pair of nodes)
    idx_a, idx_b = np.random.choice(len(nodes), 2, replace=False)
    
    # Interaction Event
    nodes[idx_a].interact(nodes[idx_b])
    
    # 3. Holographic Check (Global Coherence Measure)
    # We measure how similar all matrices are becoming
    centroid = sum([n.rho for n in nodes]) / len(nodes)
    coherence = np.mean([np.trace(np.dot(n.rho, centroid)).real for n in nodes])
    fidelity_history.append(coherence)

    if t % 3 == 0:
        print(f"Time Step {t}: Global Coherence = {coherence:.4f} | Local Entropies Converging...")

# 4. Result Analysis
print(f"\n>> FINAL CONSENSUS STATE REACHED.")
print(f">> Final Coherence (1.0 = Perfect Identical State): {fidelity_history[-1]:.4f}")

# Visualization of State Matrix (Real Part) of Node 0
print(f">> Node 0 State Real-Matrix:\n{nodes[0].rho.real}")
